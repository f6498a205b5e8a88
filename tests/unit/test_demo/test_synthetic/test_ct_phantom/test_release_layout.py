import nibabel as nib
import numpy as np
import pytest

from demo.synthetic.ct_phantom.btcv import SYNAPSE_TEST_IDS, SYNAPSE_TRAIN_IDS
from demo.synthetic.ct_phantom.release_layout import generate_ct_phantom
from tests.helpers.data_fixtures import PHANTOM_SIZE, PHANTOM_SLICES


def test_raw_layout_and_split(phantom_raw):
    assert (phantom_raw / 'train.txt').read_text().split() == ['img0005.nii.gz', 'img0006.nii.gz']
    assert (phantom_raw / 'val.txt').read_text().split() == ['img0001.nii.gz']
    for case in ('0005', '0006', '0001'):
        image = nib.load(phantom_raw / 'img' / f'img{case}.nii.gz')
        label = nib.load(phantom_raw / 'label' / f'label{case}.nii.gz')
        assert image.shape == label.shape == (*PHANTOM_SIZE, PHANTOM_SLICES)
        assert image.get_data_dtype() == np.int16 and label.get_data_dtype() == np.uint8
        np.testing.assert_allclose(image.header.get_zooms(), (360 / 64, 360 / 64, 190 / 6))
        np.testing.assert_array_equal(image.affine, label.affine)


def test_a_case_does_not_depend_on_how_many_are_written(tmp_path, phantom_raw):
    small = generate_ct_phantom(
        tmp_path, 1, 1, PHANTOM_SLICES, PHANTOM_SIZE, seed=1, progress=False
    )
    for name in ('img/img0005.nii.gz', 'label/label0001.nii.gz'):
        a, b = nib.load(small / name).get_fdata(), nib.load(phantom_raw / name).get_fdata()
        np.testing.assert_array_equal(a, b)


def test_case_ids_follow_the_standard_split_then_continue(tmp_path):
    root = generate_ct_phantom(tmp_path, 19, 1, 2, (32, 32), progress=False)
    train = root.joinpath('train.txt').read_text().split()
    assert train[:18] == [f'img{i:04d}.nii.gz' for i in SYNAPSE_TRAIN_IDS]
    assert train[18] == 'img0041.nii.gz'
    assert root.joinpath('val.txt').read_text().split() == [f'img{SYNAPSE_TEST_IDS[0]:04d}.nii.gz']


@pytest.mark.parametrize(
    'kwargs',
    [dict(num_train=0), dict(num_val=0), dict(slices=1), dict(size=(16, 64))],
)
def test_bad_arguments(tmp_path, kwargs):
    with pytest.raises(ValueError):
        generate_ct_phantom(tmp_path, **{'num_train': 1, 'num_val': 1, **kwargs}, progress=False)
