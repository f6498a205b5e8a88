"""A converter's output is one whole run: staged, recorded, swapped in; a foreign folder refused."""

import json
import os
import stat

import pytest

from attn_unet.datasets.conversion_record import RECORD_NAME, read_record
from attn_unet.datasets.staged_output import StagedOutput
from attn_unet.errors import DatasetError, DatasetLayoutError
from tests.helpers.tools import file_hashes


def _convert(save_path, files: dict, converter: str = 'toy', **record) -> None:
    """A toy converter: writes ``files`` ({relative path: text}) through StagedOutput."""
    with StagedOutput(save_path, converter) as staged:
        for name, text in files.items():
            (staged.path / name).parent.mkdir(parents=True, exist_ok=True)
            (staged.path / name).write_text(text)
        staged.commit(record)


def _beside(path) -> list:
    """Everything in ``path``'s parent folder but ``path`` itself."""
    return sorted(p.name for p in path.parent.iterdir() if p != path)


def test_a_new_folder_gets_the_files_and_a_record_listing_them(tmp_path):
    out = tmp_path / 'out'
    _convert(out, {'a/1.txt': 'one', 'b.txt': 'two'}, source='raw')
    record = read_record(out)
    assert record == {'converter': 'toy', 'source': 'raw', 'files': ['a/1.txt', 'b.txt']}
    assert (out / 'a/1.txt').read_text() == 'one'
    assert _beside(out) == []  # no staging folder left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700


def test_an_earlier_run_of_the_same_converter_is_replaced_whole(tmp_path):
    out = tmp_path / 'out'
    _convert(out, {'train/case1.txt': 'x', 'train/case2.txt': 'y'})
    _convert(out, {'train/case1.txt': 'x2', 'val/case2.txt': 'y'})  # case 2 moved to val
    assert sorted(str(p.relative_to(out)) for p in out.rglob('*.txt')) == [
        'train/case1.txt',
        'val/case2.txt',
    ]
    assert read_record(out)['files'] == ['train/case1.txt', 'val/case2.txt']
    assert _beside(out) == []


@pytest.mark.parametrize(
    'existing',
    [
        {'notes.txt': 'mine'},
        {RECORD_NAME: json.dumps({'converter': 'other'}), 'x.png': 'theirs'},
    ],
    ids=['no-record', 'another-converter'],
)
def test_a_folder_the_converter_did_not_write_is_refused_and_left_alone(tmp_path, existing):
    out = tmp_path / 'out'
    out.mkdir()
    for name, text in existing.items():
        (out / name).write_text(text)
    before = file_hashes(out)
    with pytest.raises(DatasetLayoutError) as info:
        _convert(out, {'new.txt': 'n'})
    assert f'--save-path {out} holds files but no {RECORD_NAME} of the toy converter' in str(
        info.value
    )
    assert 'pass a new or empty --save-path' in str(info.value)
    assert file_hashes(out) == before and _beside(out) == []


def test_an_empty_folder_and_a_symlinked_one_are_converted_into(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    _convert(empty, {'a.txt': 'a'})
    assert (empty / 'a.txt').is_file()
    real = tmp_path / 'real'
    _convert(real, {'old.txt': 'o'})
    link = tmp_path / 'link'
    link.symlink_to(real)
    _convert(link, {'new.txt': 'n'})
    assert link.is_symlink() and sorted(p.name for p in real.iterdir()) == [RECORD_NAME, 'new.txt']


def test_an_error_midway_removes_only_the_staging_folder(tmp_path):
    out = tmp_path / 'out'
    _convert(out, {'keep.txt': 'k'})
    before = file_hashes(out)
    with pytest.raises(RuntimeError), StagedOutput(out, 'toy') as staged:
        (staged.path / 'half.txt').write_text('h')
        raise RuntimeError('truncated volume')
    assert file_hashes(out) == before and _beside(out) == []


def test_a_full_disk_is_one_line(tmp_path):
    out = tmp_path / 'out'
    with pytest.raises(DatasetError, match='disk full while converting into') as info:
        with StagedOutput(out, 'toy'):
            raise OSError(28, 'No space left on device')
    assert '\n' not in str(info.value) and not out.exists() and _beside(out) == []


def test_a_file_as_save_path_is_refused(tmp_path):
    out = tmp_path / 'out'
    out.write_text('a file')
    with pytest.raises(DatasetLayoutError, match='is a file, not a folder'):
        _convert(out, {'a.txt': 'a'})
    assert out.read_text() == 'a file'


def test_a_set_holding_files_its_record_does_not_list_is_not_replaced(tmp_path):
    out = tmp_path / 'out'
    _convert(out, {'train/a.txt': 'a'})
    (out / 'raw').mkdir()
    (out / 'raw/img0001.nii.gz').write_text('a user file put in the set later')
    before = file_hashes(out)
    with pytest.raises(DatasetLayoutError) as info:
        _convert(out, {'train/a.txt': 'a2'})
    assert '1 file(s) its conversion.json does not list (e.g. raw/img0001.nii.gz)' in str(
        info.value
    )
    assert file_hashes(out) == before and _beside(out) == []
