"""A config's check covers every dataset its mode reads, wrappers unwrapped."""

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from attn_unet.datasets import check_data
from attn_unet.errors import DataIntegrityError

from .conftest import cache_options, generic_set, id_40_val, mini_cfg


def test_clean_set_passes_and_reports(data, tmp_path):
    reports = check_data(mini_cfg(data, tmp_path), 'train')
    assert [(r.split, r.images, r.labels, r.problems) for r in reports] == [
        ('train', 4, 4, []),
        ('val', 2, 2, []),
    ]
    assert reports[0].num_classes == 19
    assert set(reports[0].classes_seen) <= set(range(19)) and reports[0].classes_seen


@pytest.mark.parametrize('mode, raises', [('train', True), ('val', True), ('test', True)])
def test_val_labels_checked_in_every_mode(data, tmp_path, mode, raises):
    id_40_val(data)
    with pytest.raises(DataIntegrityError, match='ids 40'):
        check_data(mini_cfg(data, tmp_path), mode)


def test_train_without_val_loop_skips_val(data, tmp_path):
    id_40_val(data)
    cfg = mini_cfg(data, tmp_path)
    cfg.val_cfg = None
    assert [r.split for r in check_data(cfg, 'train')] == ['train']


def test_wrappers_are_unwrapped(tmp_path):
    one, two = generic_set(tmp_path / 'one'), generic_set(tmp_path / 'two', names=('d',))
    cv2.imwrite(str(tmp_path / 'two/ann_dir/d.png'), np.full((16, 24), 9, np.uint8))
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(
                    type='ConcatDataset',
                    datasets=[one, dict(type='RepeatDataset', times=2, dataset=two)],
                )
            ),
            data_check=cache_options(tmp_path),
        )
    )
    with pytest.raises(DataIntegrityError, match=r'two/ann_dir/d\.png has ids 9'):
        check_data(cfg, 'train')
    assert [r.images for r in check_data(cfg, 'train', raise_on_error=False)] == [3, 1]
