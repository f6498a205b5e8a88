import nibabel as nib
import numpy as np
import pytest

from attn_unet.datasets.synthetic import (
    BTCV_LABELS,
    SYNAPSE_TEST_IDS,
    SYNAPSE_TRAIN_IDS,
    generate_ct_phantom,
    render_ct_case,
)

from ..conftest import PHANTOM_SIZE, PHANTOM_SLICES

EVALUATED = {'spleen': 1, 'right_kidney': 2, 'left_kidney': 3, 'gallbladder': 4, 'liver': 6,
             'stomach': 7, 'aorta': 8, 'pancreas': 11}  # fmt: skip


@pytest.fixture(scope='module')
def case():
    """One 32-slice 128x128 case: (hu, label, affine)."""
    return render_ct_case(np.random.default_rng([0, 5]), size=(128, 128), slices=32)


def test_btcv_ids_match_mmseg_converter_mapping():
    from attn_unet.datasets.synapse_convert import load_mmseg_synapse_converter

    mapping = load_mmseg_synapse_converter().label_mapping
    mmseg_classes = ('background', 'aorta', 'gallbladder', 'left_kidney', 'right_kidney', 'liver',
                     'pancreas', 'spleen', 'stomach')  # fmt: skip
    for btcv_id, name in BTCV_LABELS.items():
        mapped = int(mapping(np.array([btcv_id]))[0])
        assert mmseg_classes[mapped] == (name if name in mmseg_classes else 'background')


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


def test_hounsfield_units_and_label_ids(case):
    hu, label, _ = case
    assert set(np.unique(label)) <= set(range(14))
    assert hu[0, 0, 0] < -900  # air outside the body
    present = {name for name, i in EVALUATED.items() if (label == i).any()}
    assert present == set(EVALUATED)
    organ_hu = {name: hu[label == i].mean() for name, i in EVALUATED.items()}
    assert organ_hu['aorta'] > 130 and organ_hu['gallbladder'] < 40
    assert 40 < organ_hu['pancreas'] < 130


def test_pancreas_is_small_and_lies_between_the_stomach_and_the_aorta(case):
    _, label, _ = case
    rows = {i: np.argwhere(label == i)[:, 0].mean() for i in (7, 8, 11)}  # anterior -> posterior
    assert (label == 11).sum() < 0.05 * (label == 6).sum()  # small next to the liver
    assert rows[7] < rows[11] < rows[8]
    pancreas_levels = set(np.unique(np.argwhere(label == 11)[:, 2]))
    vein_levels = set(np.unique(np.argwhere(label == 10)[:, 2]))
    assert pancreas_levels & vein_levels  # the splenic vein runs along it


def test_look_alikes_share_the_pancreas_intensity(case):
    hu, label, _ = case
    pancreas = np.median(hu[label == 11])
    unlabelled = hu[(label == 0) & (np.abs(hu - pancreas) < 20)]
    assert unlabelled.size > (label == 11).sum()  # bowel and duodenum at pancreas HU


@pytest.mark.parametrize(
    'seed_a, seed_b, same',
    [((0, 5), (0, 5), True), ((0, 5), (1, 5), False), ((0, 5), (0, 6), False)],
)
def test_seeded(seed_a, seed_b, same):
    a = render_ct_case(np.random.default_rng(seed_a), size=(48, 48), slices=4)
    b = render_ct_case(np.random.default_rng(seed_b), size=(48, 48), slices=4)
    assert np.array_equal(a[0], b[0]) == same and np.array_equal(a[1], b[1]) == same


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
