"""A folder swapped in whole: an empty one gives way, one with files only when asked."""

import os
import stat

import pytest

from attn_unet.fileio import StagedFolder


def _stage(path, files: dict, **kwargs) -> StagedFolder:
    staged = StagedFolder(str(path), **kwargs)
    partial = staged.prepare()
    for name, text in files.items():
        (path.parent / partial / name).write_text(text)
    return staged


def _names(folder) -> list:
    return sorted(p.name for p in folder.iterdir())


def test_a_stale_hidden_folder_is_cleared_and_the_new_one_swapped_in(tmp_path):
    stale = tmp_path / '.preds.partial'
    stale.mkdir()
    (stale / 'half.png').write_text('half')
    staged = _stage(tmp_path / 'preds', {'a.png': 'a'})
    assert staged.partial == str(stale) and _names(stale) == ['a.png']
    (tmp_path / 'preds').mkdir()  # an empty folder gives way
    staged.swap_in()
    assert _names(tmp_path) == ['preds'] and _names(tmp_path / 'preds') == ['a.png']


def test_a_folder_with_files_is_replaced_only_when_asked(tmp_path):
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'mine.txt').write_text('mine')
    staged = _stage(out, {'new.txt': 'n'})
    with pytest.raises(OSError):
        staged.swap_in()
    assert _names(out) == ['mine.txt']
    staged.swap_in(replace=True)
    assert _names(tmp_path) == ['out'] and _names(out) == ['new.txt']


def test_a_unique_stage_is_this_objects_own_and_readable_by_others(tmp_path):
    first = _stage(tmp_path / 'set', {'a.txt': 'a'}, unique=True)
    second = _stage(tmp_path / 'set', {'b.txt': 'b'}, unique=True)
    assert first.partial != second.partial
    assert all(name.startswith('.set.partial-') for name in _names(tmp_path))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / first.partial).stat().st_mode) == 0o777 & ~umask
    second.discard()
    first.swap_in()
    assert _names(tmp_path) == ['set'] and _names(tmp_path / 'set') == ['a.txt']
