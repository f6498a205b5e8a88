"""A NIfTI file is whole when it holds every byte its header promises, checksums included; its
non-finite voxels are counted in the same pass."""

import gzip

import nibabel as nib
import numpy as np
import pytest

from attn_unet.volumes import WholeFile, check_whole, nifti_whole

VOXELS = np.arange(16 * 16 * 6, dtype=np.int16).reshape(16, 16, 6)


def _save(path, extension=False):
    image = nib.Nifti1Image(VOXELS, np.eye(4))
    if extension:  # moves the voxels' offset past the 352-byte header
        image.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'x' * 200))
    nib.save(image, path)
    return path


def _damage(path):
    return check_whole(str(path), nib.load(str(path))).damage


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


@pytest.mark.parametrize('name', ['x.nii', 'x.nii.gz'])
@pytest.mark.parametrize('dtype', [np.float32, np.float64, '>f4'])
@pytest.mark.parametrize('chunk', [1001, 1 << 22])  # voxels split across reads, or not
def test_non_finite_voxels_are_counted_in_the_same_pass(tmp_path, monkeypatch, name, dtype, chunk):
    monkeypatch.setattr(nifti_whole, 'CHUNK', chunk)
    data = np.random.default_rng(0).normal(size=(40, 30, 20)).astype(dtype)
    data[1, 2, 3], data[39, 29, 19], data[0, 0, 0] = np.nan, np.inf, -np.inf
    image = nib.Nifti1Image(data, np.eye(4))
    image.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'x' * 37))
    nib.save(image, tmp_path / name)
    whole = check_whole(str(tmp_path / name), nib.load(str(tmp_path / name)))
    assert whole == WholeFile(None, 3)


def test_integer_voxels_are_finite_without_being_read(tmp_path):
    path = str(_save(tmp_path / 'x.nii'))
    assert check_whole(path, nib.load(path)) == WholeFile(None, 0)
