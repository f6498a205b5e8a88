"""Inputs are found in files and folders, sorted, and shared out across ranks."""

import pytest

from attn_unet.apis.predict.inputs import find_inputs, rank_share
from attn_unet.errors import ToolError


def test_files_and_folders_are_sorted_into_scans_and_images(tmp_path):
    for name in ('b.nii.gz', 'a.nii', 'c.png', 'notes.txt', '.hidden.nii.gz'):
        (tmp_path / name).write_bytes(b'')
    (tmp_path / 'sub').mkdir()
    extra = tmp_path / 'sub' / 'x.jpg'
    extra.write_bytes(b'')
    found = find_inputs([str(tmp_path), str(extra)])
    assert found.scans == [str(tmp_path / 'a.nii'), str(tmp_path / 'b.nii.gz')]
    assert found.images == [str(tmp_path / 'c.png'), str(extra)]


@pytest.mark.parametrize(
    'name, words', [('missing.nii.gz', 'does not exist'), ('x.txt', 'neither')]
)
def test_bad_inputs_are_one_line(tmp_path, name, words):
    if name == 'x.txt':
        (tmp_path / name).write_text('')
    with pytest.raises(ToolError, match=words):
        find_inputs([str(tmp_path / name)])


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(ToolError, match='no .nii'):
        find_inputs([str(tmp_path)])


def test_ranks_take_disjoint_shares_that_cover_everything(monkeypatch):
    items = [f'case{i}' for i in range(7)]
    shares = []
    for rank in range(3):
        monkeypatch.setenv('RANK', str(rank))
        monkeypatch.setenv('WORLD_SIZE', '3')
        shares.append(rank_share(items))
    assert sorted(sum(shares, [])) == items and all(shares)
    monkeypatch.delenv('RANK')
    monkeypatch.delenv('WORLD_SIZE')
    assert rank_share(items) == items


def _dicom(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'\0' * 128 + b'DICM' + b'\2\0')  # the Part 10 preamble is what counts
    return path


def test_dicom_files_are_found_at_any_depth_whatever_their_names(tmp_path):
    files = [_dicom(tmp_path / 'study' / 's2' / 'IM0001'), _dicom(tmp_path / 'study' / 'x.dcm')]
    (tmp_path / 'study' / 's2' / 'README').write_text('not DICOM')
    _dicom(tmp_path / 'study' / '.trash' / 'IM0009')  # hidden folders are skipped
    found = find_inputs([str(tmp_path / 'study')])
    assert found.dicom == {str(tmp_path / 'study'): sorted(map(str, files))}
    assert found.scans == [] and found.images == []


def test_a_dicom_file_alone_is_refused_naming_its_folder(tmp_path):
    with pytest.raises(ToolError, match='is a DICOM file: pass the folder of its series'):
        find_inputs([str(_dicom(tmp_path / 'IM0001'))])
