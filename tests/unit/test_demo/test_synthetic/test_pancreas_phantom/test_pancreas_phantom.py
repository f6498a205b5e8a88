"""The pancreas phantom: a tumour in the pancreas, anisotropic, several voxel orders, layouts."""

import json

import nibabel as nib
import numpy as np
import pytest

from demo.synthetic.pancreas_phantom import STORED_ORDERS, render_pancreas_case
from demo.synthetic.pancreas_phantom.case import t2_like


def test_a_case_has_a_darker_tumour_inside_its_pancreas():
    hu, label, affine, tumour = render_pancreas_case(np.random.default_rng(4))
    assert hu.dtype == np.int16 and label.dtype == np.uint8 and hu.shape == label.shape
    assert set(np.unique(label)) == {0, 1, 2}
    assert np.array_equal(tumour, label == 2)
    pancreas = label == 1
    assert pancreas.sum() > 5 * tumour.sum() > 0
    assert hu[tumour].mean() < hu[pancreas].mean() - 20  # hypodense, as adenocarcinoma
    spacing = np.sqrt((affine[:3, :3] ** 2).sum(axis=0))
    assert spacing[2] > 2 * spacing[0]  # anisotropic: thick slices
    free = render_pancreas_case(np.random.default_rng(4), with_tumour=False)[1]
    assert set(np.unique(free)) == {0, 1}


def test_the_t2_channel_has_its_own_scale_and_a_bright_tumour():
    rng = np.random.default_rng(5)
    hu, label, _, tumour = render_pancreas_case(rng)
    t2 = t2_like(rng, hu, tumour)
    assert t2.dtype == np.float32 and t2[tumour].mean() > t2[label == 1].mean()
    other = t2_like(np.random.default_rng(6), hu, tumour)
    assert abs(np.median(other) / np.median(t2) - 1) > 0.05  # no absolute scale


@pytest.mark.parametrize('layout, channels', [('msd', 1), ('msd', 2), ('nnunet', 2)])
def test_the_raw_layouts_are_the_decathlons_and_nnunets(tmp_path, layout, channels):
    from demo.synthetic import generate_decathlon_phantom

    root = generate_decathlon_phantom(tmp_path / 'raw', 3, 1, layout, channels, progress=False)
    meta = json.loads((root / 'dataset.json').read_text())
    if layout == 'msd':
        assert meta['labels'] == {'0': 'background', '1': 'pancreas', '2': 'cancer'}
        assert meta['training'][0] == dict(
            image='./imagesTr/pancreas_001.nii.gz', label='./labelsTr/pancreas_001.nii.gz'
        )
        assert meta['test'] == ['./imagesTs/pancreas_004.nii.gz']
        image = nib.load(root / 'imagesTr' / 'pancreas_001.nii.gz')
        assert len(image.shape) == (3 if channels == 1 else 4)
    else:
        assert meta['labels'] == {'background': 0, 'pancreas': 1, 'cancer': 2}
        assert meta['channel_names'] == {'0': 'CT', '1': 'T2'} and meta['numTraining'] == 3
        names = sorted(p.name for p in (root / 'imagesTr').iterdir())
        assert names[:2] == ['PANC_001_0000.nii.gz', 'PANC_001_0001.nii.gz']
    labels = sorted((root / 'labelsTr').iterdir())
    orders = [''.join(nib.aff2axcodes(nib.load(p).affine)) for p in labels]
    assert orders == [STORED_ORDERS[i % 3] for i in (1, 2, 3)]  # three voxel orders
