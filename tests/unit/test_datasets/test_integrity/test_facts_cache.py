"""The facts cache: a second run reads nothing, an edit is still found, damage is survived."""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from attn_unet.datasets import check_data
from attn_unet.datasets.integrity import facts_cache, file_facts
from attn_unet.errors import DataIntegrityError

from .conftest import id_40_val, label, mini_cfg


def test_second_run_reads_nothing(data, tmp_path, monkeypatch):
    reads = []
    real = facts_cache.read_file_facts
    monkeypatch.setattr(facts_cache, 'read_file_facts', lambda *a: reads.append(a[0]) or real(*a))
    cfg = mini_cfg(data, tmp_path)

    first = check_data(cfg, 'train')
    assert len(reads) == sum(r.files_read for r in first) == 12
    reads.clear()
    second = check_data(cfg, 'train')
    assert reads == [] and [r.files_read for r in second] == [0, 0]
    assert [r.cache_hits for r in second] == [8, 4]

    touched = label(data, 'val', 1)
    os.utime(touched, ns=(1, 1))
    check_data(cfg, 'train')
    assert reads == [str(touched)]


def test_concurrent_writers_leave_a_valid_cache(data, tmp_path):
    cfg = mini_cfg(data, tmp_path)
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: check_data(cfg, 'train'), range(4)))
    assert all(r.problems == [] for run in runs for r in run)
    for path in (tmp_path / 'cache').glob('*.json'):
        assert json.loads(path.read_text())['version'] == facts_cache.CACHE_VERSION
    assert [r.files_read for r in check_data(cfg, 'train')] == [0, 0]


def test_cache_does_not_hide_a_later_edit(data, tmp_path):
    cfg = mini_cfg(data, tmp_path)
    check_data(cfg, 'train')
    bad = id_40_val(data)
    with pytest.raises(DataIntegrityError, match=str(bad)):
        check_data(cfg, 'train')


@pytest.mark.parametrize('damage', ['garbage', 'unwritable'])
def test_damaged_or_unwritable_cache(data, tmp_path, damage):
    cache = tmp_path / 'cache'
    if damage == 'garbage':
        check_data(mini_cfg(data, tmp_path), 'train')
        for path in cache.glob('*.json'):
            path.write_text('{"version": 1, "entries": ')
    else:
        cache.write_text('a file where the cache folder should be')
    reports = check_data(mini_cfg(data, tmp_path), 'train')
    assert [r.files_read for r in reports] == [8, 4]
    id_40_val(data)
    with pytest.raises(DataIntegrityError, match='ids 40'):
        check_data(mini_cfg(data, tmp_path), 'train')


def test_cache_file_is_json_keyed_by_size_and_mtime(data, tmp_path):
    check_data(mini_cfg(data, tmp_path), 'train')
    cache_file = sorted((tmp_path / 'cache').glob('*.json'))[0]
    entries = json.loads(cache_file.read_text())['entries']
    stamp, facts = next(iter(entries.values()))
    assert len(stamp) == 2 and 'size' in facts


def test_unreadable_file(data, tmp_path, monkeypatch):
    bad = label(data, 'train', 1)
    real = file_facts.read_label_facts

    def read(path, backend='pillow'):
        if path == str(bad):
            raise PermissionError(13, 'Permission denied', path)
        return real(path, backend)

    monkeypatch.setattr(file_facts, 'read_label_facts', read)
    with pytest.raises(DataIntegrityError, match=f'{bad} cannot be read .Permission denied'):
        check_data(mini_cfg(data, tmp_path), 'train')
