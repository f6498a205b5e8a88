"""DICOM folders are read as series: found, grouped, placed, and read in exact values (HU in CT)."""

import sys

import numpy as np
import pytest

from attn_unet.errors import DependencyError
from attn_unet.volumes.dicom import decoder_problem, find_dicom_files, open_series, read_series
from tests.helpers.dicom_series import small_volume, write_localizer, write_series


@pytest.fixture(scope='module')
def volume():
    return small_volume()


@pytest.fixture(scope='module')
def folder(volume, tmp_path_factory):
    """pat/: the main series (slope 2, intercept -1024, shuffled, InstanceNumbers scrambled)
    with a localizer filed in it, a second CT series, and a file that is not DICOM."""
    root = tmp_path_factory.mktemp('dicom') / 'pat'
    main = write_series(root, *volume, number=2, slope=2, intercept=-1024, seed=1)
    write_localizer(root, main.uid)
    thick = write_series(root, volume[0][..., ::2], volume[1] @ np.diag([1, 1, 2, 1.0]), number=3,
                         description='Abdomen 5mm', seed=2)  # fmt: skip
    (root / 'notes.txt').write_text('not DICOM')
    return dict(root=root, main=main, thick=thick)


def _found(folder):
    return {str(folder['root']): read_series(str(folder['root']), find_dicom_files(folder['root']))}


def _series(folder, uid=None):
    """The one series under ``folder`` (or the one with ``uid``)."""
    (series,) = [
        s for s in read_series(str(folder), find_dicom_files(folder)) if uid in (None, s.uid)
    ]
    return series


def test_files_are_grouped_by_series_and_the_localizer_is_set_aside(folder):
    series = {s.uid: s for s in _found(folder)[str(folder['root'])]}
    assert set(series) == {folder['main'].uid, folder['thick'].uid}
    main = series[folder['main'].uid]
    assert sorted(main.files) == sorted(map(str, folder['main'].files))
    assert (
        main.localizers == 1
        and main.is_image_of(('CT',))
        and not main.is_image_of(('MR',))
        and main.description == 'Abdomen 2.5mm'
    )
    assert main.describe() == f"{main.uid} ('Abdomen 2.5mm', 6 slices)"


def test_a_series_reads_back_its_exact_hounsfield_units_and_affine(folder):
    """Slices ordered by position (not InstanceNumber), stored * 2 - 1024 applied, LPS -> RAS."""
    scan = open_series(_series(folder['root'], folder['main'].uid), 'pat')
    np.testing.assert_array_equal(scan.read(), folder['main'].hu)
    np.testing.assert_allclose(scan.affine, folder['main'].affine, atol=1e-6)
    assert scan.shape == folder['main'].hu.shape and scan.non_finite == 0
    assert not np.array_equal(folder['main'].hu, (folder['main'].hu + 1024) / 2)  # slope matters


def test_an_rle_compressed_copy_reads_the_same(volume, tmp_path):
    plain = write_series(tmp_path / 'plain', *volume, slope=2, intercept=-1024, seed=3)
    packed = write_series(tmp_path / 'rle', *volume, slope=2, intercept=-1024, seed=3, rle=True)
    scans = []
    for name in ('plain', 'rle'):
        scans.append(open_series(_series(tmp_path / name), name))
    assert str(scans[1].headers[0].file_meta.TransferSyntaxUID) == '1.2.840.10008.1.2.5'
    np.testing.assert_array_equal(scans[1].read(), scans[0].read())
    np.testing.assert_array_equal(scans[1].read(), packed.hu)
    assert plain.uid != packed.uid


def test_a_missing_decoder_is_named_with_its_pip_install(volume, tmp_path, monkeypatch):
    from pydicom.pixels import get_decoder
    from pydicom.uid import RLELossless

    write_series(tmp_path / 'rle', *volume, rle=True)
    monkeypatch.setattr(get_decoder(RLELossless), '_available', {})  # no plugin installed
    assert 'pip install pylibjpeg pylibjpeg-rle' in decoder_problem(RLELossless)
    with pytest.raises(DependencyError) as info:
        open_series(_series(tmp_path / 'rle'), 'rle')
    assert 'RLE Lossless, which no installed pydicom plugin decodes' in str(info.value)
    assert decoder_problem('1.2.840.10008.1.2.1') is None  # uncompressed needs no plugin


def test_a_non_finite_rescale_is_counted(volume, tmp_path):
    import pydicom

    written = write_series(tmp_path / 'nan', *volume)
    ds = pydicom.dcmread(written.files[0])
    ds['RescaleSlope'].value = 'NaN'
    ds.save_as(written.files[0])
    scan = open_series(_series(tmp_path / 'nan'), 'nan')
    assert scan.non_finite == 24 * 24  # one slice
    assert np.isnan(scan.read()).sum() == 24 * 24


@pytest.mark.parametrize('module', ['pydicom', 'highdicom'])
def test_without_the_dicom_extra_the_error_says_what_to_install(module, monkeypatch):
    from attn_unet.volumes.dicom import import_highdicom, import_pydicom

    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(DependencyError, match=r'pip install -e "\.\[dicom\]"'):
        (import_pydicom if module == 'pydicom' else import_highdicom)()


def test_an_mr_series_is_an_image_series_read_as_stored(volume, tmp_path):
    written = write_series(tmp_path / 'mr', volume[0] + 1024, volume[1], modality='MR')
    series = _series(tmp_path / 'mr')
    assert (
        series.modality == 'MR' and series.is_image_of(('MR',)) and not series.is_image_of(('CT',))
    )
    scan = open_series(series, 'mr')
    np.testing.assert_array_equal(scan.read(), written.hu)
    np.testing.assert_allclose(scan.affine, written.affine, atol=1e-6)
    assert scan.modalities == ('MR',)
