"""A case opened for a C-channel model: channel files on one grid, or one 4D file of C channels."""

import nibabel as nib
import numpy as np
import pytest

from attn_unet.apis.predict import CaseInput, open_case
from attn_unet.errors import ToolError

AFFINE = np.diag([0.8, 0.8, 2.5, 1.0])


def _save(path, data, affine=AFFINE):
    nib.save(nib.Nifti1Image(data, affine), path)
    return str(path)


def test_channel_files_and_a_4d_file_read_as_the_same_channels(tmp_path):
    rng = np.random.default_rng(0)
    ct, t2 = rng.normal(size=(2, 4, 5, 3)).astype(np.float32)
    files = (_save(tmp_path / 'c_0000.nii.gz', ct), _save(tmp_path / 'c_0001.nii.gz', t2))
    by_files = open_case(CaseInput('c', files), ['CT', 'T2'])
    stacked = open_case(
        CaseInput('s', (_save(tmp_path / 's.nii.gz', np.stack([ct, t2], -1)),)), ['CT', 'T2']
    )
    assert stacked.stacked and not by_files.stacked
    assert by_files.scan.shape == stacked.scan.shape == (4, 5, 3)
    np.testing.assert_array_equal(by_files.read(), np.stack([ct, t2]))
    np.testing.assert_array_equal(stacked.read(), by_files.read())
    np.testing.assert_allclose(stacked.affine, AFFINE, atol=1e-6)  # as the header stores it


def test_the_wrong_number_of_channels_and_two_grids_are_refused(tmp_path):
    volume = np.zeros((4, 5, 3), np.float32)
    single = _save(tmp_path / 'one.nii.gz', volume)
    with pytest.raises(ToolError, match=r'shape \(4, 5, 3\) but the model reads 2 channel'):
        open_case(CaseInput('one', (single,)), ['CT', 'T2'])
    three = _save(tmp_path / 'three.nii.gz', np.zeros((4, 5, 3, 3), np.float32))
    with pytest.raises(ToolError, match='reads 2 channel'):
        open_case(CaseInput('three', (three,)), ['CT', 'T2'])
    moved = AFFINE.copy()
    moved[0, 3] = 4.0
    files = (single, _save(tmp_path / 'moved.nii.gz', volume, moved))
    with pytest.raises(ToolError, match='is not on the grid of .*co-registered'):
        open_case(CaseInput('c', files), ['CT', 'T2'])
