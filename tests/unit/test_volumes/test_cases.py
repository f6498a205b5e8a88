"""A case of C channels: channel files on one grid, or one 4D file; channel files grouped."""

import nibabel as nib
import numpy as np
import pytest

from attn_unet.errors import VolumeError
from attn_unet.volumes import CaseFiles, group_channel_files, open_case

AFFINE = np.diag([0.8, 0.8, 2.5, 1.0])


def _save(path, data, affine=AFFINE):
    nib.save(nib.Nifti1Image(data, affine), path)
    return str(path)


def test_channel_files_and_a_4d_file_read_as_the_same_channels(tmp_path):
    rng = np.random.default_rng(0)
    ct, t2 = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    files = (_save(tmp_path / 'c_0000.nii.gz', ct), _save(tmp_path / 'c_0001.nii.gz', t2))
    by_files = open_case(CaseFiles('c', files), ['CT', 'T2'])
    stacked = open_case(
        CaseFiles('s', (_save(tmp_path / 's.nii.gz', np.stack([ct, t2], -1)),)), ['CT', 'T2']
    )
    assert stacked.stacked and not by_files.stacked
    assert by_files.shape == stacked.shape == (4, 5, 3)
    np.testing.assert_array_equal(by_files.read(), np.stack([ct, t2]))
    np.testing.assert_array_equal(stacked.read(), by_files.read())
    np.testing.assert_allclose(stacked.affine, AFFINE, atol=1e-6)  # as the header stores it


def test_the_wrong_number_of_channels_and_two_grids_are_refused(tmp_path):
    volume = np.zeros((4, 5, 3), np.float32)
    single = _save(tmp_path / 'one.nii.gz', volume)
    with pytest.raises(VolumeError, match=r'shape \(4, 5, 3\), and the model reads 2 channel'):
        open_case(CaseFiles('one', (single,)), ['CT', 'T2'])
    three = _save(tmp_path / 'three.nii.gz', np.zeros((4, 5, 3, 3), np.float32))
    with pytest.raises(VolumeError, match='reads 2 channel'):
        open_case(CaseFiles('three', (three,)), ['CT', 'T2'])
    moved = AFFINE.copy()
    moved[0, 3] = 4.0
    files = (single, _save(tmp_path / 'moved.nii.gz', volume, moved))
    with pytest.raises(
        VolumeError, match='is not on the grid of .*different affines .*co-registered'
    ):
        open_case(CaseFiles('c', files), ['CT', 'T2'])


def _touch(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b'')
    return [str(folder / n) for n in names]


def test_channel_files_are_grouped_by_case_and_named_as_nnunet_names_them(tmp_path):
    files = _touch(tmp_path, 'b_0001.nii.gz', 'a_0000.NII.GZ', 'b_0000.nii.gz', 'a_0001.nii')
    assert group_channel_files(files, ['CT', 'T2']) == [
        CaseFiles('a', (str(tmp_path / 'a_0000.NII.GZ'), str(tmp_path / 'a_0001.nii'))),
        CaseFiles('b', (str(tmp_path / 'b_0000.nii.gz'), str(tmp_path / 'b_0001.nii.gz'))),
    ]


def test_single_files_are_cases_of_their_own(tmp_path):
    files = _touch(tmp_path, 'pancreas_042.nii.gz', 'scan_2019.nii', 'x_0000.nii.gz')
    cases = group_channel_files(files, ['CT'])
    # a 4-digit suffix without a _0000 sibling is part of the name, not a channel
    assert [c.case_id for c in cases] == ['pancreas_042', 'scan_2019', 'x']
    assert all(len(c.files) == 1 for c in cases)


@pytest.mark.parametrize(
    'names, channels, match',
    [
        (['a_0000.nii.gz'], ['CT', 'T2'], r'case a lacks .*a_0001.nii.gz: the model reads 2'),
        (['a_0000.nii.gz', 'a_0002.nii.gz'], ['CT', 'T2'], 'lacks'),
        (['a_0000.nii.gz', 'a_0001.nii.gz'], ['CT'], r'case a has a channel 1 file \(a_0001'),
    ],
)
def test_a_case_with_other_channels_than_asked_is_refused(tmp_path, names, channels, match):
    with pytest.raises(VolumeError, match=match) as info:
        group_channel_files(_touch(tmp_path, *names), channels)
    assert '\n' not in str(info.value)
