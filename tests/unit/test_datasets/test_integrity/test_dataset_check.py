"""One dataset's check: every class of bad file and bad folder is found and named."""

import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from attn_unet.datasets import check_data, check_dataset_files, file_listing
from attn_unet.errors import DataIntegrityError

from .conftest import (
    IMAGE,
    cache_options,
    files,
    generic_set,
    id_40_val,
    label,
    mini_cfg,
    paint,
    resized_label,
    truncate,
    truncated_image,
)


def _truncated_label(root):
    path = label(root, 'train', 2)
    truncate(path)
    return path


def _garbage_label(root):
    path = label(root, 'val', 1)
    path.write_bytes(b'not a png' * 20)
    return path


def _id_40_train(root):
    path = label(root, 'train', 3)
    paint(path, 40)
    return path


def _deleted_image(root):
    image = files(root, 'train', IMAGE)[2]
    image.unlink()
    return label(root, 'train', 2)


def _color_label(root):
    path = label(root, 'val', 1)
    gray = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(path), np.stack([gray] * 3, axis=-1))
    return path


def _16bit_label(root):
    path = label(root, 'train', 1)
    paint(path, 300, np.uint16)
    return path


@pytest.mark.parametrize(
    'corrupt, words',
    [
        (truncated_image, ['does not decode', 'truncated or corrupt']),
        (_truncated_label, ['does not decode', 'truncated or corrupt']),
        (_garbage_label, ['does not decode']),
        (resized_label, ['is 32x128 but its image', 'is 64x128']),
        (id_40_val, ['val data', 'ids 40 outside the 19 classes', 'ignore index 255']),
        (_id_40_train, ['train data', 'ids 40 outside']),
        (_deleted_image, ['has no image', 'restore the image']),
        (_color_label, ['has 3 channels', 'single-channel']),
        (_16bit_label, ['id 300 > 255', 'uint8']),
    ],
)
def test_bad_file_is_named(data, tmp_path, corrupt, words):
    bad = corrupt(data)
    with pytest.raises(DataIntegrityError) as error:
        check_data(mini_cfg(data, tmp_path), 'train')
    message = str(error.value)
    assert '\n' not in message
    assert message.split(': ')[1].startswith(str(bad)), message
    for word in words:
        assert word in message, message
    assert 'more bad files' not in message


@pytest.mark.parametrize(
    'reduce_zero_label, value, bad',
    [(False, 19, True), (False, 255, False), (True, 19, False), (True, 20, True), (True, 0, False)],
)
def test_reduce_zero_label(data, tmp_path, reduce_zero_label, value, bad):
    paint(label(data, 'val', 0), value)
    cfg = mini_cfg(data, tmp_path)
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


def test_any_dataset_class(tmp_path):
    cfg = generic_set(tmp_path / 'set')
    report = check_dataset_files(cfg, 'train', cache_options(tmp_path))
    assert (report.images, report.labels, report.classes_seen, report.problems) == (3, 3, [2], [])

    cv2.imwrite(str(tmp_path / 'set/ann_dir/b.png'), np.full((16, 24), 3, np.uint8))
    (tmp_path / 'set/img_dir/c.jpg').unlink()
    report = check_dataset_files(cfg, 'train', cache_options(tmp_path))
    assert [(Path(p.path).name, p.what.split()[:2]) for p in report.problems] == [
        ('b.png', ['has', 'ids']),
        ('c.png', ['has', 'no']),
    ]


def test_labels_skipped_when_pipeline_loads_none(tmp_path):
    cfg = generic_set(tmp_path / 'set')
    cfg['pipeline'] = [dict(type='LoadImageFromFile')]
    shutil.rmtree(tmp_path / 'set/ann_dir')
    report = check_dataset_files(cfg, 'test', cache_options(tmp_path))
    assert (report.images, report.labels, report.problems) == (3, 0, [])


def test_ann_file_lists_a_missing_image(tmp_path):
    cfg = generic_set(tmp_path / 'set')
    (tmp_path / 'set/split.txt').write_text('a\nb\nz\n')
    cfg.update(ann_file='split.txt', img_suffix='.jpg')
    report = check_dataset_files(cfg, 'train', cache_options(tmp_path))
    assert [(Path(p.path).name, p.what.split()[1]) for p in report.problems] == [
        ('z.jpg', 'missing'),
        ('z.png', 'missing'),
    ]


def _empty(root):
    for path in files(root, 'train', IMAGE):
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

    monkeypatch.setattr(file_listing.os, 'scandir', scandir)
    return 'cannot read folder'


def _missing_root(root):
    shutil.rmtree(root)
    return 'does not exist'


@pytest.mark.parametrize('make', [_empty, _root_is_file, _missing_root, _symlink_loop, _unreadable])
def test_bad_folders(data, tmp_path, monkeypatch, make):
    args = (data, monkeypatch) if make is _unreadable else (data,)
    words = make(*args)
    with pytest.raises(DataIntegrityError) as error:
        check_data(mini_cfg(data, tmp_path), 'train')
    assert words in str(error.value) and '\n' not in str(error.value)
