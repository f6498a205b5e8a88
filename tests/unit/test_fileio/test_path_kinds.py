"""A file where a folder is due, or the reverse, is named in one line."""

import pytest

from attn_unet.errors import PathKindError
from attn_unet.fileio import check_file_path, check_folder_path


@pytest.fixture()
def a_file(tmp_path):
    path = tmp_path / 'a.txt'
    path.write_text('x')
    return path


def test_folder_paths(tmp_path, a_file):
    check_folder_path(str(tmp_path), 'work dir')
    check_folder_path(str(tmp_path / 'new' / 'deeper'), 'work dir')
    with pytest.raises(PathKindError, match='is a file, not a folder'):
        check_folder_path(str(a_file), 'work dir')
    with pytest.raises(PathKindError, match=f'{a_file} is a file'):
        check_folder_path(str(a_file / 'sub'), 'work dir')


def test_file_paths(tmp_path, a_file):
    check_file_path(str(a_file), '--out-metrics', 'metrics.json')
    check_file_path(str(tmp_path / 'new' / 'm.json'), '--out-metrics', 'metrics.json')
    with pytest.raises(PathKindError, match=r'is a folder, not a file.*metrics\.json'):
        check_file_path(str(tmp_path), '--out-metrics', 'metrics.json')
    with pytest.raises(PathKindError, match=f'{a_file} is a file'):
        check_file_path(str(a_file / 'm.json'), '--out-metrics', 'metrics.json')
