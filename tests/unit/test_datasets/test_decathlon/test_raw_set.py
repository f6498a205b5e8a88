"""read_raw_set: both raw layouts read from dataset.json, files checked by name."""

import json

import pytest

from attn_unet.datasets.decathlon import DecathlonConvertError, read_raw_set
from tests.helpers.data_fixtures import DECATHLON_TEST, DECATHLON_TRAIN


def test_a_decathlon_folder_is_read_from_its_dataset_json(decathlon_raw):
    raw = read_raw_set(decathlon_raw)
    assert raw.layout == 'msd' and raw.stacked_channels
    assert raw.labels == {0: 'background', 1: 'pancreas', 2: 'cancer'}
    assert raw.channels == ('CT',)
    assert [c.case_id for c in raw.training] == [
        f'pancreas_{i:03d}' for i in range(1, DECATHLON_TRAIN + 1)
    ]
    first = raw.training[0]
    assert first.images == (str(decathlon_raw / 'imagesTr' / 'pancreas_001.nii.gz'),)
    assert first.label == str(decathlon_raw / 'labelsTr' / 'pancreas_001.nii.gz')
    assert [c.case_id for c in raw.test] == ['pancreas_006'] and raw.test[0].label is None
    assert len(raw.test) == DECATHLON_TEST


def test_an_nnunet_folder_groups_the_channel_files_of_each_case(nnunet_raw):
    raw = read_raw_set(nnunet_raw)
    assert raw.layout == 'nnunet' and not raw.stacked_channels
    assert raw.channels == ('CT', 'T2')
    assert raw.labels == {0: 'background', 1: 'pancreas', 2: 'cancer'}
    case = raw.training[1]
    assert case.case_id == 'PANC_002'
    assert [p.rsplit('/', 1)[1] for p in case.images] == [
        'PANC_002_0000.nii.gz',
        'PANC_002_0001.nii.gz',
    ]
    assert [c.case_id for c in raw.test] == ['PANC_004'] and len(raw.test[0].images) == 2


def test_the_decathlons_hidden_resource_forks_are_not_cases(decathlon_copy):
    # the Decathlon's tar archives carry macOS ._* files beside every volume
    (decathlon_copy / 'imagesTr' / '._pancreas_001.nii.gz').write_bytes(b'\0' * 10)
    (decathlon_copy / 'labelsTr' / '._pancreas_001.nii.gz').write_bytes(b'\0' * 10)
    assert len(read_raw_set(decathlon_copy).training) == DECATHLON_TRAIN


@pytest.mark.parametrize(
    'labels, match',
    [
        ({'0': 'background', '1': 'a', '2': 'a'}, None),  # two names may be equal
        ({'1': 'pancreas'}, 'no label has value 0'),
        ({'0': 'background', 'x': 'pancreas'}, "label 'x': 'pancreas' is not a name and a value"),
        ({'0': 'background', '300': 'x'}, 'value 0..255'),
    ],
)
def test_decathlon_labels_are_values_with_names(decathlon_copy, labels, match):
    meta = json.loads((decathlon_copy / 'dataset.json').read_text())
    (decathlon_copy / 'dataset.json').write_text(json.dumps(dict(meta, labels=labels)))
    if match is None:
        assert read_raw_set(decathlon_copy).labels == {0: 'background', 1: 'a', 2: 'a'}
        return
    with pytest.raises(DecathlonConvertError, match=match):
        read_raw_set(decathlon_copy)


def test_numtraining_must_count_the_cases(decathlon_copy):
    meta = json.loads((decathlon_copy / 'dataset.json').read_text())
    (decathlon_copy / 'dataset.json').write_text(json.dumps(dict(meta, numTraining=9)))
    with pytest.raises(DecathlonConvertError, match=f'numTraining 9 but {DECATHLON_TRAIN}'):
        read_raw_set(decathlon_copy)


@pytest.mark.parametrize(
    'labels, ignore',
    [
        ({'background': 0, 'pancreas': 1, 'cancer': 2}, None),
        ({'background': 0, 'pancreas': 1, 'cancer': 2, 'ignore': 3}, 3),
        ({'background': 0, 'pancreas': 1, 'cancer': 2, 'Ignore': 255}, 255),
    ],
)
def test_nnunets_ignore_label_is_found(nnunet_copy_meta, labels, ignore):
    root, meta = nnunet_copy_meta
    (root / 'dataset.json').write_text(json.dumps(dict(meta, labels=labels)))
    raw = read_raw_set(root)
    assert raw.ignore_value == ignore
    assert raw.labels == {v: n for n, v in labels.items()}  # still named: values are checked


@pytest.mark.parametrize(
    'labels, match',
    [
        ({'background': 0, 'ignore': 1, 'pancreas': 2}, 'must be the highest label value'),
        ({'background': 0, 'pancreas': 1, 'ignore': 2, 'IGNORE': 3}, 'all named "ignore"'),
    ],
)
def test_an_ignore_label_nnunet_could_not_use_is_refused(nnunet_copy_meta, labels, match):
    root, meta = nnunet_copy_meta
    (root / 'dataset.json').write_text(json.dumps(dict(meta, labels=labels)))
    with pytest.raises(DecathlonConvertError, match=match):
        read_raw_set(root)


@pytest.fixture
def nnunet_copy_meta(nnunet_raw, tmp_path):
    import shutil

    root = tmp_path / 'Dataset099_PancreasPhantom'
    shutil.copytree(nnunet_raw, root)
    return root, json.loads((root / 'dataset.json').read_text())
