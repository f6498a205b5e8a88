import shutil
import time
from types import SimpleNamespace

import pytest

from attn_unet.datasets import (
    check_cityscapes_layout,
    check_dataset_cfg,
    check_drive_layout,
    check_synapse_layout,
)
from attn_unet.errors import DatasetLayoutError
from tests.helpers.data_fixtures import NUM_TRAIN, NUM_VAL

CONVERT_HINT = 'run python3 tools/dataset_converters/cityscapes.py'


def _cityscapes_cfg(root, split='train'):
    return dict(
        type='CityscapesDataset',
        data_root=str(root),
        data_prefix=dict(img_path=f'leftImg8bit/{split}', seg_map_path=f'gtFine/{split}'),
    )


@pytest.mark.parametrize('split, count', [('train', NUM_TRAIN), ('val', NUM_VAL)])
def test_converted_set_passes(converted_root, split, count):
    assert (
        check_cityscapes_layout(converted_root, f'leftImg8bit/{split}', f'gtFine/{split}') == count
    )


def _no_root(root):
    return root / 'nowhere', {}


def _no_img_dir(root):
    return root, dict(img_dir='leftImg8bit/test')


def _empty_img_dir(root):
    (root / 'leftImg8bit/test').mkdir()
    return root, dict(img_dir='leftImg8bit/test')


def _no_ann_dir(root):
    return root, dict(img_dir='leftImg8bit/val', ann_dir='gtFine/test')


def _not_converted(root):
    return root, dict(img_dir='leftImg8bit/val', ann_dir='gtFine/val')


@pytest.mark.parametrize(
    'make, needles',
    [
        (
            _no_root,
            [
                "data root '{root}/nowhere' not found",
                'ln -s /path/to/cityscapes',
                'set data_root in the config',
            ],
        ),
        (
            _no_img_dir,
            [
                "no 'leftImg8bit/test' under {root}",
                'leftImg8bit_trainvaltest.zip',
                'data_prefix.img_path',
            ],
        ),
        (
            _empty_img_dir,
            ['no *_leftImg8bit.png in {root}/leftImg8bit/test', 'data_prefix.img_path'],
        ),
        (
            _no_ann_dir,
            [
                "no 'gtFine/test' under {root}",
                'gtFine_trainvaltest.zip',
                CONVERT_HINT.removeprefix('run ') + ' {root}',
            ],
        ),
        (
            _not_converted,
            [
                f'{NUM_VAL} of {NUM_VAL} images in leftImg8bit/val have no '
                '*_gtFine_labelTrainIds.png',
                CONVERT_HINT + ' {root}',
            ],
        ),
    ],
)
def test_each_layout_fault_has_a_one_line_fix(mini_copy, make, needles):
    data_root, kwargs = make(mini_copy)
    with pytest.raises(DatasetLayoutError) as info:
        check_cityscapes_layout(data_root, **kwargs)
    message = str(info.value)
    assert '\n' not in message
    for needle in needles:
        assert needle.format(root=mini_copy) in message
    assert isinstance(info.value, FileNotFoundError)


def test_partly_converted_counts_the_missing(converted_root, tmp_path):
    root = tmp_path / 'cs'
    shutil.copytree(converted_root, root)
    next((root / 'gtFine/train').rglob('*_gtFine_labelTrainIds.png')).unlink()
    with pytest.raises(DatasetLayoutError, match=f'^1 of {NUM_TRAIN} images in leftImg8bit/train'):
        check_cityscapes_layout(root)


def test_wrappers_are_searched(converted_root, mini_root):
    good = _cityscapes_cfg(converted_root)
    unconverted = _cityscapes_cfg(mini_root, 'val')
    check_dataset_cfg(dict(type='RepeatDataset', times=2, dataset=good))
    nested = dict(
        type='RepeatDataset',
        times=2,
        dataset=dict(type='ConcatDataset', datasets=[good, unconverted]),
    )
    with pytest.raises(DatasetLayoutError, match='images in leftImg8bit/val have no'):
        check_dataset_cfg(nested)


def test_other_dataset_types_are_ignored(tmp_path):
    check_dataset_cfg(dict(type='ADE20KDataset', data_root=str(tmp_path / 'nowhere')))
    with pytest.raises(DatasetLayoutError, match='not found'):
        check_dataset_cfg(dict(type='mmseg.CityscapesDataset', data_root=str(tmp_path / 'nowhere')))


def test_dataset_class_as_type_is_recognised(tmp_path):
    from mmseg.datasets import CityscapesDataset

    with pytest.raises(DatasetLayoutError, match='not found'):
        check_dataset_cfg(dict(type=CityscapesDataset, data_root=str(tmp_path / 'nowhere')))


def test_check_is_quick_on_a_full_size_listing(tmp_path):
    root = tmp_path / 'cs'
    for sub, suffix in (
        ('leftImg8bit/train', '_leftImg8bit.png'),
        ('gtFine/train', '_gtFine_labelTrainIds.png'),
    ):
        for city in range(18):
            folder = root / sub / f'city{city}'
            folder.mkdir(parents=True)
            for i in range(165):  # 2970 empty files, the size of the Cityscapes train split
                (folder / f'city{city}_{i:06d}_000019{suffix}').touch()
    start = time.perf_counter()
    assert check_cityscapes_layout(root) == 18 * 165
    assert time.perf_counter() - start < 2.0


def _synapse_cfg(root, split='val'):
    return dict(
        type='SynapseDataset',
        data_root=str(root),
        data_prefix=dict(img_path=f'img_dir/{split}', seg_map_path=f'ann_dir/{split}'),
    )


def test_synapse_dataset_cfg_passes_when_converted(phantom_converted):
    check_dataset_cfg(dict(type='RepeatDataset', dataset=_synapse_cfg(phantom_converted)))


@pytest.mark.parametrize(
    'damage, needles',
    [
        (lambda root: shutil.rmtree(root), ["data root '{root}' not found", 'synapse.py']),
        (lambda root: shutil.rmtree(root / 'img_dir/val'), ["no 'img_dir/val' under {root}"]),
        (
            lambda root: shutil.rmtree(root / 'ann_dir/val'),
            ["no 'ann_dir/val' under {root}", 'synapse.py'],
        ),
        (
            lambda root: (root / 'ann_dir/val/case0001_slice002.png').unlink(),
            ['1 of 6 slices in img_dir/val have no .png', 'case0001_slice002'],
        ),
    ],
)
def test_synapse_dataset_cfg_fails_in_one_line(phantom_converted, tmp_path, damage, needles):
    root = tmp_path / 'synapse'
    shutil.copytree(phantom_converted, root)
    damage(root)
    with pytest.raises(DatasetLayoutError) as info:
        check_dataset_cfg(_synapse_cfg(root))
    assert '\n' not in str(info.value)
    for needle in needles:
        assert needle.format(root=root) in str(info.value)


# Per dataset: its check, its default image folder, an image in it, and the same for labels.
TINY_COPIES = {
    'Cityscapes': (
        check_cityscapes_layout,
        'leftImg8bit/train',
        'aachen/aachen_000000_000019_leftImg8bit.png',
        'gtFine/train',
        'aachen/aachen_000000_000019_gtFine_labelTrainIds.png',
    ),
    'Synapse': (
        check_synapse_layout,
        'img_dir/train',
        'case0001_slice000.jpg',
        'ann_dir/train',
        'case0001_slice000.png',
    ),
    'DRIVE': (
        check_drive_layout,
        'images/training',
        '21.png',
        'annotations/training',
        '21_manual1.png',
    ),
}

FAULTS = {
    'root is a file': lambda copy: shutil.rmtree(copy.root) or copy.root.touch(),
    'root is gone': lambda copy: shutil.rmtree(copy.root),
    'no image folder': lambda copy: shutil.rmtree(copy.img_dir),
    'no images': lambda copy: copy.image.unlink(),
    'no label folder': lambda copy: shutil.rmtree(copy.ann_dir),
    'no label': lambda copy: copy.label.unlink(),
}


def _tiny_copy(tmp_path, dataset):
    """A copy of ``dataset`` holding one empty image and its label, and its check."""
    check, img_dir, image, ann_dir, label = TINY_COPIES[dataset]
    root = tmp_path / dataset
    copy = SimpleNamespace(
        root=root,
        img_dir=root / img_dir,
        image=root / img_dir / image,
        ann_dir=root / ann_dir,
        label=root / ann_dir / label,
    )
    for path in (copy.image, copy.label):
        path.parent.mkdir(parents=True)
        path.touch()
    return copy, check


@pytest.mark.parametrize('dataset', TINY_COPIES)
def test_tiny_copy_passes(tmp_path, dataset):
    copy, check = _tiny_copy(tmp_path, dataset)
    assert check(copy.root) == 1


@pytest.mark.parametrize('dataset', TINY_COPIES)
def test_labels_beside_the_images_are_not_counted_as_images(tmp_path, dataset):
    copy, check = _tiny_copy(tmp_path, dataset)
    shutil.move(copy.label, copy.image.parent / copy.label.name)
    img_dir = str(copy.img_dir.relative_to(copy.root))
    assert check(copy.root, img_dir, img_dir) == 1


# (dataset, fault, the message up to its first ': ', a piece of the fix after it)
FAULT_MESSAGES = [
    (
        'Cityscapes',
        'root is a file',
        "data root '{root}' is a file, not a folder",
        'point data_root in the config at the Cityscapes folder',
    ),
    ('Cityscapes', 'root is gone', "data root '{root}' not found", 'ln -s /path/to/cityscapes'),
    (
        'Cityscapes',
        'no image folder',
        "no 'leftImg8bit/train' under {root}",
        'unzip leftImg8bit_trainvaltest.zip',
    ),
    (
        'Cityscapes',
        'no images',
        'no *_leftImg8bit.png in {root}/leftImg8bit/train',
        'one folder per city',
    ),
    (
        'Cityscapes',
        'no label folder',
        "no 'gtFine/train' under {root}",
        'unzip gtFine_trainvaltest.zip',
    ),
    (
        'Cityscapes',
        'no label',
        '1 of 1 images in leftImg8bit/train have no *_gtFine_labelTrainIds.png in '
        'gtFine/train (e.g. aachen/aachen_000000_000019)',
        'run python3 tools/dataset_converters/cityscapes.py {root}',
    ),
    (
        'Synapse',
        'root is a file',
        "data root '{root}' is a file, not a folder",
        'point data_root in the config at the Synapse folder',
    ),
    (
        'Synapse',
        'root is gone',
        "data root '{root}' not found",
        'synapse.py RAW_DIR --save-path {root}',
    ),
    (
        'Synapse',
        'no image folder',
        "no 'img_dir/train' under {root}",
        'fix data_prefix.img_path',
    ),
    (
        'Synapse',
        'no images',
        'no caseXXXX_sliceYYY.jpg in {root}/img_dir/train',
        'run python3 tools/dataset_converters/synapse.py',
    ),
    (
        'Synapse',
        'no label folder',
        "no 'ann_dir/train' under {root}",
        'fix data_prefix.seg_map_path',
    ),
    (
        'Synapse',
        'no label',
        '1 of 1 slices in img_dir/train have no .png label in ann_dir/train '
        '(e.g. case0001_slice000)',
        'rerun python3 tools/dataset_converters/synapse.py',
    ),
    (
        'DRIVE',
        'root is a file',
        "data root '{root}' is a file, not a folder",
        'point data_root in the config at the DRIVE folder',
    ),
    (
        'DRIVE',
        'root is gone',
        "data root '{root}' not found",
        'drive.py training.zip test.zip -o {root}',
    ),
    (
        'DRIVE',
        'no image folder',
        "no 'images/training' under {root}",
        'fix data_prefix.img_path',
    ),
    ('DRIVE', 'no images', 'no *.png in {root}/images/training', 'fix data_prefix.img_path'),
    (
        'DRIVE',
        'no label folder',
        "no 'annotations/training' under {root}",
        'fix data_prefix.seg_map_path',
    ),
    (
        'DRIVE',
        'no label',
        '1 of 1 images in images/training have no *_manual1.png in annotations/training (e.g. 21)',
        'run python3 tools/dataset_converters/drive.py',
    ),
]


@pytest.mark.parametrize(
    'dataset, fault, problem, fix',
    FAULT_MESSAGES,
    ids=[f'{dataset}: {fault}' for dataset, fault, _, _ in FAULT_MESSAGES],
)
def test_every_dataset_names_each_fault_and_its_fix(tmp_path, dataset, fault, problem, fix):
    copy, check = _tiny_copy(tmp_path, dataset)
    FAULTS[fault](copy)
    with pytest.raises(DatasetLayoutError) as info:
        check(copy.root)
    message = str(info.value)
    assert '\n' not in message
    assert message.startswith(problem.format(root=copy.root) + ': ')
    assert fix.format(root=copy.root) in message.split(': ', 1)[1]


# Synapse: the config must read the slices the converter recorded (conversion.json).
def _synapse_2_5d_cfg(root, suffix):
    return dict(_synapse_cfg(root), type='SynapseSliceDataset', img_suffix=suffix)


def _model(channels):
    return dict(
        backbone=dict(type='UNet', in_channels=channels),
        data_preprocessor=dict(mean=[0.0] * channels, std=[255.0] * channels),
    )


@pytest.mark.parametrize('context', [3, 5])
def test_a_config_for_the_recorded_context_passes(phantom_converted_k, context):
    root = phantom_converted_k(context)
    check_dataset_cfg(_synapse_2_5d_cfg(root, '.tiff'), _model(context))
    check_dataset_cfg(_synapse_2_5d_cfg(phantom_converted_k(1), '.jpg'), _model(3))


@pytest.mark.parametrize(
    'context, suffix, channels, needles',
    [
        (
            3,
            '.jpg',
            3,
            [
                'holds 3-slice inputs (3-channel *.tiff; conversion.json) but the config reads '
                'img_suffix .jpg:',
                'the *_synapse-2.5d-k3-* twins',
                '--context 1 into a new folder',
            ],
        ),
        (
            5,
            '.tiff',
            3,
            [
                'holds 5-slice inputs (5-channel *.tiff',
                'model.backbone.in_channels 3, model.data_preprocessor.mean of length 3',
                '--context 3',
            ],
        ),
        (
            1,
            '.tiff',
            5,
            [
                'holds 1-slice inputs (3-channel *.jpg; conversion.json) but the config reads '
                'img_suffix .tiff, model.backbone.in_channels 5',
                'a 2D Synapse config',
                '--context 5',
            ],
        ),
    ],
)
def test_a_config_for_another_context_is_refused_in_one_line(
    phantom_converted_k, context, suffix, channels, needles
):
    root = phantom_converted_k(context)
    with pytest.raises(DatasetLayoutError) as info:
        check_dataset_cfg(_synapse_2_5d_cfg(root, suffix), _model(channels))
    message = str(info.value)
    assert '\n' not in message and message.startswith(f'{root} holds')
    for needle in needles:
        assert needle in message


def test_a_set_without_a_record_is_2d_jpeg(phantom_converted, tmp_path):
    root = tmp_path / 'synapse'
    shutil.copytree(phantom_converted, root)
    (root / 'conversion.json').unlink()  # converted before the record existed
    check_dataset_cfg(_synapse_2_5d_cfg(root, '.jpg'), _model(3))
    with pytest.raises(DatasetLayoutError, match="no conversion.json: mmseg's 2D slices"):
        check_dataset_cfg(_synapse_2_5d_cfg(root, '.tiff'), _model(3))
