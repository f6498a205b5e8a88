"""A NIfTI volume is checked before any work, and a label written like it keeps its geometry."""

import gzip
import os

import nibabel as nib
import numpy as np
import pytest

from attn_unet.errors import VolumeError
from attn_unet.volumes import (
    CaseFiles,
    is_nifti_path,
    nifti_stem,
    open_case,
    open_nifti,
    read_header,
    write_like,
)

AFFINE = np.array([[0, 1.5, 0, -90], [-1.5, 0, 0, 90], [0, 0, 4, -180], [0, 0, 0, 1.0]])


def save(path, data, affine=AFFINE, slope=None):
    image = nib.Nifti1Image(data, affine)
    image.header.set_qform(affine, code=1)
    image.header.set_sform(affine, code=2)
    image.header['descrip'] = b'abdomen CT'
    if slope is not None:
        image.header.set_slope_inter(*slope)
    nib.save(image, path)
    return path


@pytest.fixture
def scan_path(tmp_path):
    data = np.random.default_rng(0).integers(-1000, 1000, (8, 9, 5)).astype(np.int16)
    return str(save(tmp_path / 'case7.nii.gz', data, slope=(2.0, -1024.0)))


def test_a_prediction_keeps_affine_codes_and_header(scan_path, tmp_path):
    scan = open_nifti(scan_path)
    labels = np.random.default_rng(1).integers(0, 9, scan.shape).astype(np.uint8)
    out = str(tmp_path / 'out.nii.gz')
    write_like(out, labels, scan)
    written = nib.load(out)
    np.testing.assert_array_equal(np.asarray(written.dataobj), labels)  # no intensity scaling
    assert written.get_data_dtype() == np.uint8
    np.testing.assert_allclose(written.affine, AFFINE)
    for form in ('get_qform', 'get_sform'):
        matrix, code = getattr(written.header, form)(coded=True)
        original, original_code = getattr(scan.image.header, form)(coded=True)
        np.testing.assert_allclose(matrix, original)
        assert int(code) == int(original_code)
    assert written.header['descrip'] == scan.image.header['descrip']
    assert [p for p in os.listdir(tmp_path) if p.startswith('.')] == []


def test_an_existing_output_is_replaced_only_when_asked(scan_path, tmp_path):
    scan = open_nifti(scan_path)
    out = tmp_path / 'out.nii.gz'
    out.write_bytes(b'keep me')
    with pytest.raises(VolumeError, match='exists: pass --overwrite'):
        write_like(str(out), np.zeros(scan.shape, np.uint8), scan)
    assert out.read_bytes() == b'keep me'
    write_like(str(out), np.zeros(scan.shape, np.uint8), scan, overwrite=True)
    assert nib.load(str(out)).shape == scan.shape


def test_header_scaling_is_applied_on_reading(scan_path):
    raw = np.asarray(nib.load(scan_path).dataobj.get_unscaled())
    np.testing.assert_allclose(open_nifti(scan_path).read(), raw * 2.0 - 1024.0)


def _not_nifti(tmp_path):
    (tmp_path / 'x.nii.gz').write_text('hello')
    return tmp_path / 'x.nii.gz', 'not a readable NIfTI'


def _two_d(tmp_path):
    return save(tmp_path / 'x.nii.gz', np.zeros((8, 9), np.int16)), '2D array'


def _four_d(tmp_path):
    return save(tmp_path / 'x.nii.gz', np.zeros((8, 9, 5, 2), np.int16)), '4D array'


def _singular(tmp_path):
    image = nib.Nifti1Image(np.zeros((8, 9, 5), np.int16), None)
    image.header.set_sform(np.diag([1, 1, 0, 1.0]), code=2)  # a third axis of no extent
    nib.save(image, tmp_path / 'x.nii.gz')
    return tmp_path / 'x.nii.gz', 'singular affine'


@pytest.mark.parametrize('make', [_not_nifti, _two_d, _four_d, _singular])
def test_bad_scans_are_refused_before_reading(tmp_path, make):
    path, words = make(tmp_path)
    with pytest.raises(VolumeError) as info:
        open_case(CaseFiles('x', (str(path),)), ['CT'])  # one channel: a 3D volume
    assert words in str(info.value) and '\n' not in str(info.value)


def test_the_header_alone_gives_the_grid_and_spacing(tmp_path):
    affine = np.array([[0, 0.7, 0, 1], [-0.8, 0, 0, 2], [0, 0, 3.0, 3], [0, 0, 0, 1.0]])
    path = save(tmp_path / 'x.nii.gz', np.zeros((8, 9, 5), np.float32), affine)
    volume = read_header(str(path))
    assert volume.shape == (8, 9, 5) and volume.non_finite is None
    assert volume.spacing == pytest.approx((0.8, 0.7, 3.0))  # from the affine's columns


def test_endings_are_matched_in_any_case():
    assert is_nifti_path('/a/X.NII.GZ') and is_nifti_path('y.Nii') and not is_nifti_path('z.gz')
    assert nifti_stem('/a/case7.NII.GZ') == 'case7' and nifti_stem('case7.nii') == 'case7'


def test_a_missing_file_or_a_folder_is_one_line(tmp_path):
    with pytest.raises(VolumeError, match='x.nii.gz does not exist: pass'):
        open_nifti(str(tmp_path / 'x.nii.gz'))
    with pytest.raises(VolumeError, match='is a folder, not a file'):
        open_nifti(str(tmp_path))


def _volume():
    return np.random.default_rng(0).integers(-1000, 1000, (64, 64, 20)).astype(np.int16)


@pytest.mark.parametrize('name', ['cut.nii.gz', 'cut.nii'])
def test_a_truncated_scan_is_refused_before_its_voxels_are_read(tmp_path, name):
    whole = open(save(tmp_path / f'whole{name[3:]}', _volume()), 'rb').read()
    cut = tmp_path / name
    cut.write_bytes(whole[: len(whole) // 2])
    assert nib.load(str(cut)).shape == (64, 64, 20)  # the header alone still reads
    with pytest.raises(VolumeError, match=f'{name} is truncated or damaged') as info:
        open_nifti(str(cut))
    assert '\n' not in str(info.value)


def test_a_gzip_of_several_members_is_whole(tmp_path):
    plain = open(save(tmp_path / 'plain.nii', _volume()), 'rb').read()
    two_members = tmp_path / 'two.nii.gz'  # as bgzip or a concatenation writes them
    two_members.write_bytes(gzip.compress(plain[:1000]) + gzip.compress(plain[1000:]))
    np.testing.assert_array_equal(open_nifti(str(two_members)).read(), _volume())


def test_a_damaged_gzip_stream_is_refused_though_nibabel_reads_it(tmp_path):
    damaged = bytearray(open(save(tmp_path / 'ok.nii.gz', _volume()), 'rb').read())
    middle = len(damaged) * 3 // 4
    damaged[middle : middle + 64] = bytes(64)  # the length in gzip's trailer still matches
    bad = tmp_path / 'bad.nii.gz'
    bad.write_bytes(bytes(damaged))
    wrong = nib.load(str(bad)).get_fdata()  # nibabel does not reach the checksum ...
    assert wrong.shape == (64, 64, 20) and not np.array_equal(wrong, _volume())
    with pytest.raises(VolumeError, match='bad.nii.gz is truncated or damaged') as info:
        open_nifti(str(bad))  # ... so the check reads the whole stream
    assert 'CRC check failed' in str(info.value)


def test_non_finite_voxels_are_counted_on_opening(tmp_path):
    data = _volume().astype(np.float32)
    data[3, 4, 5] = np.nan
    assert open_nifti(str(save(tmp_path / 'nan.nii.gz', data))).non_finite == 1


def test_a_trailing_axis_of_one_is_a_volume(tmp_path):
    path = save(tmp_path / 'x.nii', np.zeros((8, 9, 5, 1), np.int16))
    assert open_nifti(str(path)).shape == (8, 9, 5)


def test_an_opened_volume_keeps_no_copy_of_the_voxels_it_gave(tmp_path):
    """A run holds every volume it opened: the voxels must go when the caller drops them,
    or a cohort's scans add up in memory (nibabel caches them in the image by default)."""
    import gc
    import weakref

    path = save(tmp_path / 'ct.nii.gz', np.arange(6 * 5 * 4, dtype=np.int16).reshape(6, 5, 4))
    for volume in (open_nifti(str(path)), open_case(CaseFiles('ct', (str(path),)), ['CT'])):
        voxels = volume.read(np.float64)
        owner = voxels.base if voxels.base is not None else voxels
        while owner.base is not None:
            owner = owner.base
        gone = weakref.ref(owner)
        del voxels, owner
        gc.collect()
        assert gone() is None, type(volume).__name__
