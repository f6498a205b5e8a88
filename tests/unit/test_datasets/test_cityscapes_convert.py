import numpy as np
import pytest
from cityscapesscripts.helpers.labels import id2label
from PIL import Image

from attn_unet.datasets.cityscapes_convert import convert_cityscapes
from attn_unet.errors import DatasetLayoutError
from tests.helpers.data_fixtures import NUM_TRAIN, NUM_VAL

ID_TO_TRAIN = np.full(256, 255, dtype=np.uint8)
for _id, _label in id2label.items():
    if _id >= 0:
        ID_TO_TRAIN[_id] = _label.trainId if 0 <= _label.trainId < 255 else 255


def _label_maps(root):
    return {
        p.relative_to(root): np.asarray(Image.open(p))
        for p in sorted(root.rglob('*_gtFine_labelTrainIds.png'))
    }


def test_train_ids_match_label_ids_pixelwise(converted_root):
    maps = _label_maps(converted_root)
    assert len(maps) == NUM_TRAIN + NUM_VAL
    for rel, train_ids in maps.items():
        ids = np.asarray(Image.open(converted_root / str(rel).replace('labelTrainIds', 'labelIds')))
        np.testing.assert_array_equal(train_ids, ID_TO_TRAIN[ids])
        assert set(np.unique(train_ids)) <= set(range(19)) | {255}


def test_split_lists_name_every_stem(converted_root):
    for split, count in (('train', NUM_TRAIN), ('val', NUM_VAL)):
        lines = (converted_root / f'{split}.txt').read_text().splitlines()
        assert len(lines) == count
        for line in lines:
            city, stem = line.split('/')
            assert (
                converted_root / 'leftImg8bit' / split / city / f'{stem}_leftImg8bit.png'
            ).is_file()
    assert not (converted_root / 'test.txt').exists()  # no test split in the mini set


def test_two_processes_match_one(mini_copy, converted_root, tmp_path):
    assert convert_cityscapes(mini_copy, nproc=2, out_dir=tmp_path / 'lists') == NUM_TRAIN + NUM_VAL
    ours, reference = _label_maps(mini_copy), _label_maps(converted_root)
    assert ours.keys() == reference.keys()
    for key in ours:
        np.testing.assert_array_equal(ours[key], reference[key])
    assert (tmp_path / 'lists' / 'train.txt').read_text() == (
        converted_root / 'train.txt'
    ).read_text()
    assert not (mini_copy / 'train.txt').exists()


def test_mmseg_cityscapes_dataset_loads_the_converted_set(converted_root):
    from mmengine.registry import init_default_scope
    from mmseg.datasets import CityscapesDataset

    init_default_scope('mmseg')
    dataset = CityscapesDataset(
        data_root=str(converted_root),
        data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
    )
    assert len(dataset) == NUM_TRAIN
    sample = dataset[0]
    gt = sample['data_samples'].gt_sem_seg.data.numpy()
    assert gt.shape[1:] == sample['inputs'].shape[1:]
    values = set(np.unique(gt).tolist())
    assert values <= set(range(19)) | {255}
    assert len(values - {255}) >= 4


@pytest.mark.parametrize(
    'make, expected',
    [
        (lambda root: root / 'absent', "data root '{root}/absent' not found"),
        (lambda root: root, 'no *_gtFine_polygons.json under {root}/gtFine'),
    ],
)
def test_missing_input_is_a_layout_error(tmp_path, make, expected):
    with pytest.raises(DatasetLayoutError) as info:
        convert_cityscapes(make(tmp_path))
    message = str(info.value)
    assert expected.format(root=tmp_path) in message and '\n' not in message


def test_unknown_label_names_the_file(mini_copy):
    bad = next(mini_copy.rglob('*_gtFine_polygons.json'))
    bad.write_text(
        '{"imgHeight": 8, "imgWidth": 8, "objects": '
        '[{"label": "zebra", "polygon": [[0, 0], [4, 0], [4, 4]]}]}'
    )
    with pytest.raises(ValueError, match=rf"{bad.name}: Label 'zebra' not known; fix or remove"):
        convert_cityscapes(mini_copy)
