"""The data check: every bad file class is found, named, counted; the cache spares re-reads."""

import json
import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from attn_unet.datasets import DataIntegrityError, check_data, check_dataset_files
from attn_unet.datasets.integrity import dataset_check, facts_cache, file_facts

REPO = Path(__file__).resolve().parents[2]
MINI_CONFIG = REPO / 'configs/attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'
LABEL = '_gtFine_labelTrainIds.png'
IMAGE = '_leftImg8bit.png'


@pytest.fixture
def data(converted_root, tmp_path):
    """A private copy of the converted mini set (4 train, 2 val images of 64x128)."""
    root = tmp_path / 'cityscapes'
    shutil.copytree(converted_root, root)
    return root


def _cfg(root, tmp_path, **data_check):
    cfg = Config.fromfile(str(MINI_CONFIG))
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = str(root)
    cfg.data_check = dict(cache_dir=str(tmp_path / 'cache'), **data_check)
    return cfg


def _files(root, split, suffix):
    return sorted(
        (root / ('gtFine' if suffix == LABEL else 'leftImg8bit') / split).rglob(f'*{suffix}')
    )


def _label(root, split='val', index=0):
    return _files(root, split, LABEL)[index]


def _paint(path, value, dtype=np.uint8):
    label = cv2.imread(str(path), cv2.IMREAD_UNCHANGED).astype(dtype)
    label[2:6, 2:6] = value
    cv2.imwrite(str(path), label)


def _truncate(path):
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def _truncated_image(root):
    path = _files(root, 'train', IMAGE)[1]
    _truncate(path)
    return path


def _truncated_label(root):
    path = _label(root, 'train', 2)
    _truncate(path)
    return path


def _garbage_label(root):
    path = _label(root, 'val', 1)
    path.write_bytes(b'not a png' * 20)
    return path


def _resized_label(root):
    path = _label(root, 'train', 0)
    cv2.imwrite(str(path), cv2.imread(str(path), cv2.IMREAD_UNCHANGED)[:32])
    return path


def _id_40_val(root):
    path = _label(root, 'val', 0)
    _paint(path, 40)
    return path


def _id_40_train(root):
    path = _label(root, 'train', 3)
    _paint(path, 40)
    return path


def _deleted_image(root):
    image = _files(root, 'train', IMAGE)[2]
    image.unlink()
    return _label(root, 'train', 2)


def _color_label(root):
    path = _label(root, 'val', 1)
    gray = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(path), np.stack([gray] * 3, axis=-1))
    return path


def _16bit_label(root):
    path = _label(root, 'train', 1)
    _paint(path, 300, np.uint16)
    return path


@pytest.mark.parametrize(
    'corrupt, words',
    [
        (_truncated_image, ['does not decode', 'truncated or corrupt']),
        (_truncated_label, ['does not decode', 'truncated or corrupt']),
        (_garbage_label, ['does not decode']),
        (_resized_label, ['is 32x128 but its image', 'is 64x128']),
        (_id_40_val, ['val data', 'ids 40 outside the 19 classes', 'ignore index 255']),
        (_id_40_train, ['train data', 'ids 40 outside']),
        (_deleted_image, ['has no image', 'restore the image']),
        (_color_label, ['has 3 channels', 'single-channel']),
        (_16bit_label, ['id 300 > 255', 'uint8']),
    ],
)
def test_bad_file_is_named(data, tmp_path, corrupt, words):
    bad = corrupt(data)
    with pytest.raises(DataIntegrityError) as error:
        check_data(_cfg(data, tmp_path), 'train')
    message = str(error.value)
    assert '\n' not in message
    assert message.split(': ')[1].startswith(str(bad)), message
    for word in words:
        assert word in message, message
    assert 'more bad files' not in message


def test_clean_set_passes_and_reports(data, tmp_path):
    reports = check_data(_cfg(data, tmp_path), 'train')
    assert [(r.split, r.images, r.labels, r.problems) for r in reports] == [
        ('train', 4, 4, []),
        ('val', 2, 2, []),
    ]
    assert reports[0].num_classes == 19
    assert set(reports[0].classes_seen) <= set(range(19)) and reports[0].classes_seen


def test_counts_the_other_bad_files(data, tmp_path):
    _truncated_image(data)
    _resized_label(data)
    _id_40_val(data)
    with pytest.raises(DataIntegrityError, match=r'\(2 more bad files: .*check_dataset.py'):
        check_data(_cfg(data, tmp_path), 'train')
    reports = check_data(_cfg(data, tmp_path), 'train', raise_on_error=False)
    assert [len(r.problems) for r in reports] == [2, 1]


@pytest.mark.parametrize('mode, raises', [('train', True), ('val', True), ('test', True)])
def test_val_labels_checked_in_every_mode(data, tmp_path, mode, raises):
    _id_40_val(data)
    with pytest.raises(DataIntegrityError, match='ids 40'):
        check_data(_cfg(data, tmp_path), mode)


def test_train_without_val_loop_skips_val(data, tmp_path):
    _id_40_val(data)
    cfg = _cfg(data, tmp_path)
    cfg.val_cfg = None
    assert [r.split for r in check_data(cfg, 'train')] == ['train']


def test_disabled(data, tmp_path):
    _truncated_image(data)
    assert check_data(_cfg(data, tmp_path, enabled=False), 'train') == []


@pytest.mark.parametrize(
    'data_check, words',
    [
        (dict(enabeld=False), "unknown data_check key 'enabeld'"),
        (dict(enabled='no'), 'data_check.enabled must be True or False'),
        (dict(num_workers=0), 'num_workers a positive integer'),
    ],
)
def test_bad_data_check_options(data, tmp_path, data_check, words):
    cfg = _cfg(data, tmp_path)
    cfg.data_check = data_check
    with pytest.raises(DataIntegrityError, match=words):
        check_data(cfg, 'train')


def test_second_run_reads_nothing(data, tmp_path, monkeypatch):
    reads = []
    real = facts_cache.read_file_facts
    monkeypatch.setattr(facts_cache, 'read_file_facts', lambda *a: reads.append(a[0]) or real(*a))
    cfg = _cfg(data, tmp_path)

    first = check_data(cfg, 'train')
    assert len(reads) == sum(r.files_read for r in first) == 12
    reads.clear()
    second = check_data(cfg, 'train')
    assert reads == [] and [r.files_read for r in second] == [0, 0]
    assert [r.cache_hits for r in second] == [8, 4]

    touched = _label(data, 'val', 1)
    os.utime(touched, ns=(1, 1))
    check_data(cfg, 'train')
    assert reads == [str(touched)]


def test_concurrent_writers_leave_a_valid_cache(data, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    cfg = _cfg(data, tmp_path)
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: check_data(cfg, 'train'), range(4)))
    assert all(r.problems == [] for run in runs for r in run)
    for path in (tmp_path / 'cache').glob('*.json'):
        assert json.loads(path.read_text())['version'] == facts_cache.CACHE_VERSION
    assert [r.files_read for r in check_data(cfg, 'train')] == [0, 0]


def test_cache_does_not_hide_a_later_edit(data, tmp_path):
    cfg = _cfg(data, tmp_path)
    check_data(cfg, 'train')
    bad = _id_40_val(data)
    with pytest.raises(DataIntegrityError, match=str(bad)):
        check_data(cfg, 'train')


@pytest.mark.parametrize('damage', ['garbage', 'unwritable'])
def test_damaged_or_unwritable_cache(data, tmp_path, damage):
    cache = tmp_path / 'cache'
    if damage == 'garbage':
        check_data(_cfg(data, tmp_path), 'train')
        for path in cache.glob('*.json'):
            path.write_text('{"version": 1, "entries": ')
    else:
        cache.write_text('a file where the cache folder should be')
    reports = check_data(_cfg(data, tmp_path), 'train')
    assert [r.files_read for r in reports] == [8, 4]
    _id_40_val(data)
    with pytest.raises(DataIntegrityError, match='ids 40'):
        check_data(_cfg(data, tmp_path), 'train')


def test_cache_file_is_json_keyed_by_size_and_mtime(data, tmp_path):
    check_data(_cfg(data, tmp_path), 'train')
    cache_file = sorted((tmp_path / 'cache').glob('*.json'))[0]
    entries = json.loads(cache_file.read_text())['entries']
    stamp, facts = next(iter(entries.values()))
    assert len(stamp) == 2 and 'size' in facts


@pytest.mark.parametrize(
    'reduce_zero_label, value, bad',
    [(False, 19, True), (False, 255, False), (True, 19, False), (True, 20, True), (True, 0, False)],
)
def test_reduce_zero_label(data, tmp_path, reduce_zero_label, value, bad):
    _paint(_label(data, 'val', 0), value)
    cfg = _cfg(data, tmp_path)
    cfg.val_dataloader.dataset.reduce_zero_label = reduce_zero_label
    reports = check_data(cfg, 'val', raise_on_error=False)
    problems = [p.what for p in reports[0].problems]
    if bad:
        words = f'ids {value - reduce_zero_label}' + (
            ' after reduce_zero_label' * reduce_zero_label
        )
        assert len(problems) == 1 and words in problems[0], problems
    else:
        assert problems == []


def _generic_set(root, names=('a', 'b', 'c'), size=(16, 24)):
    """A plain BaseSegDataset folder: img_dir/x.jpg + ann_dir/x.png, 3 classes."""
    for name in names:
        (root / 'img_dir').mkdir(parents=True, exist_ok=True)
        (root / 'ann_dir').mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(root / 'img_dir' / f'{name}.jpg'), np.full((*size, 3), 128, np.uint8))
        cv2.imwrite(str(root / 'ann_dir' / f'{name}.png'), np.full(size, 2, np.uint8))
    return dict(
        type='BaseSegDataset',
        data_root=str(root),
        data_prefix=dict(img_path='img_dir', seg_map_path='ann_dir'),
        metainfo=dict(classes=('x', 'y', 'z')),
        pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')],
    )


def _options(tmp_path):
    return dict(cache_dir=str(tmp_path / 'cache'))


def test_any_dataset_class(tmp_path):
    cfg = _generic_set(tmp_path / 'set')
    report = check_dataset_files(cfg, 'train', _options(tmp_path))
    assert (report.images, report.labels, report.classes_seen, report.problems) == (3, 3, [2], [])

    cv2.imwrite(str(tmp_path / 'set/ann_dir/b.png'), np.full((16, 24), 3, np.uint8))
    (tmp_path / 'set/img_dir/c.jpg').unlink()
    report = check_dataset_files(cfg, 'train', _options(tmp_path))
    assert [(Path(p.path).name, p.what.split()[:2]) for p in report.problems] == [
        ('b.png', ['has', 'ids']),
        ('c.png', ['has', 'no']),
    ]


def test_truncated_jpeg(tmp_path):
    cfg = _generic_set(tmp_path / 'set')
    _truncate(tmp_path / 'set/img_dir/a.jpg')
    report = check_dataset_files(cfg, 'train', _options(tmp_path))
    assert [Path(p.path).name for p in report.problems] == ['a.jpg']
    assert 'does not decode' in report.problems[0].what


def test_wrappers_are_unwrapped(tmp_path):
    one, two = _generic_set(tmp_path / 'one'), _generic_set(tmp_path / 'two', names=('d',))
    cv2.imwrite(str(tmp_path / 'two/ann_dir/d.png'), np.full((16, 24), 9, np.uint8))
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(
                    type='ConcatDataset',
                    datasets=[one, dict(type='RepeatDataset', times=2, dataset=two)],
                )
            ),
            data_check=_options(tmp_path),
        )
    )
    with pytest.raises(DataIntegrityError, match=r'two/ann_dir/d\.png has ids 9'):
        check_data(cfg, 'train')
    assert [r.images for r in check_data(cfg, 'train', raise_on_error=False)] == [3, 1]


def test_labels_skipped_when_pipeline_loads_none(tmp_path):
    cfg = _generic_set(tmp_path / 'set')
    cfg['pipeline'] = [dict(type='LoadImageFromFile')]
    shutil.rmtree(tmp_path / 'set/ann_dir')
    report = check_dataset_files(cfg, 'test', _options(tmp_path))
    assert (report.images, report.labels, report.problems) == (3, 0, [])


def test_ann_file_lists_a_missing_image(tmp_path):
    cfg = _generic_set(tmp_path / 'set')
    (tmp_path / 'set/split.txt').write_text('a\nb\nz\n')
    cfg.update(ann_file='split.txt', img_suffix='.jpg')
    report = check_dataset_files(cfg, 'train', _options(tmp_path))
    assert [(Path(p.path).name, p.what.split()[1]) for p in report.problems] == [
        ('z.jpg', 'missing'),
        ('z.png', 'missing'),
    ]


@pytest.mark.parametrize('ext', ['jpg', 'png'])
def test_rotated_image_size_follows_exif(tmp_path, ext):
    from PIL import Image

    path = tmp_path / f'rotated.{ext}'
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.new('RGB', (24, 16)).save(path, exif=exif)
    assert file_facts.read_image_facts(str(path), 'cv2', 'color')['size'] == [24, 16]
    assert file_facts.read_image_facts(str(path), 'cv2', 'unchanged')['size'] == [16, 24]
    assert cv2.imread(str(path), cv2.IMREAD_COLOR).shape[:2] == (24, 16)


def test_unreadable_file(data, tmp_path, monkeypatch):
    bad = _label(data, 'train', 1)
    real = file_facts.read_label_facts

    def read(path, backend='pillow'):
        if path == str(bad):
            raise PermissionError(13, 'Permission denied', path)
        return real(path, backend)

    monkeypatch.setattr(file_facts, 'read_label_facts', read)
    with pytest.raises(DataIntegrityError, match=f'{bad} cannot be read .Permission denied'):
        check_data(_cfg(data, tmp_path), 'train')


def _empty(root):
    for path in _files(root, 'train', IMAGE):
        path.unlink()
    return 'no *_leftImg8bit.png images'


def _root_is_file(root):
    shutil.rmtree(root)
    root.write_text('not a folder')
    return 'is a file, not a folder'


def _symlink_loop(root):
    os.symlink('..', root / 'leftImg8bit/train/aachen/loop')
    return 'symlink loop at'


def _unreadable(root, monkeypatch):
    real = os.scandir
    blocked = str(root / 'gtFine/train/bochum')

    def scandir(path='.'):
        if str(path) == blocked:
            raise PermissionError(13, 'Permission denied', path)
        return real(path)

    monkeypatch.setattr(dataset_check.os, 'scandir', scandir)
    return 'cannot read folder'


def _missing_root(root):
    shutil.rmtree(root)
    return 'does not exist'


@pytest.mark.parametrize('make', [_empty, _root_is_file, _missing_root, _symlink_loop, _unreadable])
def test_bad_folders(data, tmp_path, monkeypatch, make):
    args = (data, monkeypatch) if make is _unreadable else (data,)
    words = make(*args)
    with pytest.raises(DataIntegrityError) as error:
        check_data(_cfg(data, tmp_path), 'train')
    assert words in str(error.value) and '\n' not in str(error.value)
