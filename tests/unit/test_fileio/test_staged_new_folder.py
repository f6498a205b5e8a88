"""An output folder that appears complete or not at all, and never replaces files."""

import pytest

from attn_unet.errors import PathKindError
from attn_unet.fileio import StagedNewFolder


def test_written_under_a_hidden_name_then_renamed(tmp_path):
    staged = StagedNewFolder(str(tmp_path / 'preds'))
    staged.prepare()
    assert (tmp_path / '.preds.partial').is_dir()
    (tmp_path / '.preds.partial' / 'a.png').write_bytes(b'png')
    assert not (tmp_path / 'preds').exists()
    staged.publish()
    assert (tmp_path / 'preds' / 'a.png').read_bytes() == b'png'
    assert not (tmp_path / '.preds.partial').exists()


def test_an_empty_folder_is_taken_one_with_files_refused(tmp_path):
    (tmp_path / 'empty').mkdir()
    StagedNewFolder(str(tmp_path / 'empty')).check()
    (tmp_path / 'full').mkdir()
    (tmp_path / 'full' / 'mine.png').write_bytes(b'user')
    with pytest.raises(PathKindError, match='already holds 1 entry'):
        StagedNewFolder(str(tmp_path / 'full')).check()
    assert (tmp_path / 'full' / 'mine.png').read_bytes() == b'user'


def test_a_file_is_refused(tmp_path):
    (tmp_path / 'preds').write_text('x')
    with pytest.raises(PathKindError, match='is a file'):
        StagedNewFolder(str(tmp_path / 'preds')).check()


def test_what_a_killed_run_left_is_cleared_and_a_failed_run_discarded(tmp_path):
    stale = tmp_path / '.preds.partial'
    stale.mkdir()
    (stale / 'half.png').write_bytes(b'half')
    staged = StagedNewFolder(str(tmp_path / 'preds'))
    staged.prepare()
    assert stale.is_dir() and not any(stale.iterdir())  # the killed run's half.png is gone
    staged.discard()
    assert not stale.exists() and not (tmp_path / 'preds').exists()
