"""A NIfTI file is whole when it holds every byte its header promises, checksums included."""

import gzip

import nibabel as nib
import numpy as np
import pytest

from attn_unet.datasets.nifti_whole import nifti_damage

VOXELS = np.arange(16 * 16 * 6, dtype=np.int16).reshape(16, 16, 6)


def _save(path, extension=False):
    image = nib.Nifti1Image(VOXELS, np.eye(4))
    if extension:  # moves the voxels' offset past the 352-byte header
        image.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'x' * 200))
    nib.save(image, path)
    return path


def _damage(path):
    return nifti_damage(str(path), nib.load(str(path)))


@pytest.mark.parametrize('name', ['whole.nii', 'whole.nii.gz'])
@pytest.mark.parametrize('extension', [False, True])
def test_a_whole_file_has_no_damage(tmp_path, name, extension):
    assert _damage(_save(tmp_path / name, extension)) is None


def test_the_last_bytes_missing_after_an_extension_are_seen(tmp_path):
    path = _save(tmp_path / 'x.nii', extension=True)
    whole = path.read_bytes()
    path.write_bytes(whole[:-100])
    assert _damage(path) == f'{len(whole) - 100} of the {len(whole)} bytes its header promises'


def test_a_cut_gzip_is_damaged(tmp_path):
    path = _save(tmp_path / 'x.nii.gz')
    path.write_bytes(path.read_bytes()[:-20])
    assert _damage(path) == 'Compressed file ended before the end-of-stream marker was reached'


def test_a_gzip_of_several_members_is_whole(tmp_path):
    plain = _save(tmp_path / 'x.nii').read_bytes()
    path = tmp_path / 'two.nii.gz'
    path.write_bytes(gzip.compress(plain[:500]) + gzip.compress(plain[500:]))
    assert _damage(path) is None
