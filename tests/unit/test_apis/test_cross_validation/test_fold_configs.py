"""Each fold's config is the one config with the fold's lists; configs that do not read a
converter's fold lists are refused in one line."""

import copy
import json

import pytest

from attn_unet.apis import load_config
from attn_unet.apis.cross_validation import (
    cv_name,
    find_fold_set,
    fold_config_name,
    fold_config_text,
)
from attn_unet.errors import ToolError

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


@pytest.fixture
def converted(decathlon_converted):
    record = json.loads((decathlon_converted / 'conversion.json').read_text())
    return decathlon_converted, decathlon_converted / record['configs'][0], record


def _without_lists(cfg) -> dict:
    out = copy.deepcopy(cfg.to_dict())
    for loader in LOADERS:
        del out[loader]['dataset']['ann_file']
    return out


def _ann_files(cfg) -> list:
    return [cfg[loader].dataset.ann_file for loader in LOADERS]


def test_a_fold_config_swaps_the_lists_and_nothing_else(converted, tmp_path):
    root, config, record = converted
    cfg = load_config(str(config))
    fold_set = find_fold_set(str(config), cfg)
    assert fold_set.folds == record['splits']['folds'] and fold_set.data_root == str(root)
    for fold in range(len(fold_set.folds)):
        path = tmp_path / fold_config_name(str(config), fold)
        path.write_text(fold_config_text(fold_set, fold))
        derived = load_config(str(path))
        lists = [f'splits/fold{fold}_{part}.txt' for part in ('train', 'val', 'val')]
        assert _ann_files(derived) == lists
        assert _without_lists(derived) == _without_lists(cfg)  # the rest as the config says
    assert fold_config_name('a-fold0-64x64.py', 3) == 'a-fold3-64x64.py'
    assert fold_config_name('plain.py', 2) == 'plain_fold2.py'
    assert cv_name('x/a-fold0-64x64.py') == 'a-cv-64x64' and cv_name('plain.py') == 'plain_cv'


def test_a_fold_the_conversion_has_not_split_is_refused(converted):
    _, config, _ = converted
    fold_set = find_fold_set(str(config), load_config(str(config)))
    with pytest.raises(ToolError, match=r'--folds 5: the conversion .* split 5 folds \(0..4\)'):
        fold_set.check_folds([0, 5])


def test_a_config_that_reads_no_fold_list_is_refused(converted, tmp_path):
    _, config, _ = converted
    other = tmp_path / 'other.py'
    other.write_text(f"_base_ = [{str(config)!r}]\n"
                     "val_dataloader = dict(dataset=dict(ann_file='my_val.txt'))\n")  # fmt: skip
    with pytest.raises(ToolError, match=r"val_dataloader.dataset.ann_file is 'my_val.txt', not "
                                        r'a fold list \(splits/fold<k>_val.txt\)'):  # fmt: skip
        find_fold_set(str(other), load_config(str(other)))
    moved = tmp_path / 'moved.py'
    root = str(tmp_path)
    moved.write_text(f'_base_ = [{str(config)!r}]\n'
                     f'train_dataloader = dict(dataset=dict(data_root={root!r}))\n')  # fmt: skip
    with pytest.raises(ToolError, match='holds no conversion.json'):
        find_fold_set(str(moved), load_config(str(moved)))
