"""DICOM folders are read as series: found, grouped, chosen, placed, and read in exact HU."""

import sys

import numpy as np
import pytest

from attn_unet.apis.predict.dicom_files import find_dicom_files, read_series
from attn_unet.apis.predict.dicom_scan import decoder_problem, open_series
from attn_unet.apis.predict.series_choice import choose_series, series_stems
from attn_unet.errors import DependencyError, ToolError
from demo.synthetic import render_ct_case
from tests.helpers.dicom_series import write_localizer, write_series
from tests.helpers.orientations import stored_as


@pytest.fixture(scope='module')
def volume():
    """A 24x24x6 phantom case stored A, L, S: rows of each slice run towards anterior."""
    hu, _, affine = render_ct_case(np.random.default_rng(4), (24, 24), 6, bowel_loops=4)
    return stored_as(hu, affine, 'ALS')


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


def test_files_are_grouped_by_series_and_the_localizer_is_set_aside(folder):
    series = {s.uid: s for s in _found(folder)[str(folder['root'])]}
    assert set(series) == {folder['main'].uid, folder['thick'].uid}
    main = series[folder['main'].uid]
    assert sorted(main.files) == sorted(map(str, folder['main'].files))
    assert main.localizers == 1 and main.is_ct and main.description == 'Abdomen 2.5mm'
    assert main.describe() == f"{main.uid} ('Abdomen 2.5mm', 6 slices)"


def test_several_series_are_listed_and_chosen_by_uid_or_all(folder):
    found = _found(folder)
    main, thick = folder['main'].uid, folder['thick'].uid
    with pytest.raises(ToolError) as info:
        choose_series(found)
    message = str(info.value)
    listed = (f"{main} ('Abdomen 2.5mm', 6 slices)", f"{thick} ('Abdomen 5mm', 3 slices)")
    for words in ('holds 2 CT series', *listed, '--series UID', '--all-series'):
        assert words in message
    assert [s.uid for s in choose_series(found, [thick])] == [thick]
    both = choose_series(found, all_series=True)
    assert {s.uid for s in both} == {main, thick}
    stems = dict(zip([s.uid for s in both], series_stems(both)))
    assert stems == {main: 'pat_2', thick: 'pat_3'}  # one folder: the SeriesNumber tells them apart
    with pytest.raises(ToolError, match=r'--series 1\.2\.3 is not a CT series of the inputs'):
        choose_series(found, ['1.2.3'])


def test_a_series_reads_back_its_exact_hounsfield_units_and_affine(folder):
    """Slices ordered by position (not InstanceNumber), stored * 2 - 1024 applied, LPS -> RAS."""
    (series,) = choose_series(_found(folder), [folder['main'].uid])
    scan = open_series(series, 'pat')
    np.testing.assert_array_equal(scan.read(), folder['main'].hu)
    np.testing.assert_allclose(scan.affine, folder['main'].affine, atol=1e-6)
    assert scan.shape == folder['main'].hu.shape and scan.non_finite == 0
    assert not np.array_equal(folder['main'].hu, (folder['main'].hu + 1024) / 2)  # slope matters


def test_an_rle_compressed_copy_reads_the_same(volume, tmp_path):
    plain = write_series(tmp_path / 'plain', *volume, slope=2, intercept=-1024, seed=3)
    packed = write_series(tmp_path / 'rle', *volume, slope=2, intercept=-1024, seed=3, rle=True)
    scans = []
    for name in ('plain', 'rle'):
        found = {name: read_series(name, find_dicom_files(tmp_path / name))}
        scans.append(open_series(choose_series(found)[0], name))
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
    found = {'rle': read_series('rle', find_dicom_files(tmp_path / 'rle'))}
    with pytest.raises(DependencyError) as info:
        open_series(choose_series(found)[0], 'rle')
    assert 'RLE Lossless, which no installed pydicom plugin decodes' in str(info.value)
    assert decoder_problem('1.2.840.10008.1.2.1') is None  # uncompressed needs no plugin


def test_a_non_finite_rescale_is_counted(volume, tmp_path):
    import pydicom

    written = write_series(tmp_path / 'nan', *volume)
    ds = pydicom.dcmread(written.files[0])
    ds['RescaleSlope'].value = 'NaN'
    ds.save_as(written.files[0])
    found = {'nan': read_series('nan', find_dicom_files(tmp_path / 'nan'))}
    scan = open_series(choose_series(found)[0], 'nan')
    assert scan.non_finite == 24 * 24  # one slice
    assert np.isnan(scan.read()).sum() == 24 * 24


@pytest.mark.parametrize('module', ['pydicom', 'highdicom'])
def test_without_the_dicom_extra_the_error_says_what_to_install(module, monkeypatch):
    from attn_unet.apis.predict.dicom_files import import_pydicom
    from attn_unet.apis.predict.dicom_seg import import_highdicom

    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    with pytest.raises(DependencyError, match=r'pip install -e "\.\[dicom\]"'):
        (import_pydicom if module == 'pydicom' else import_highdicom)()


def test_a_folder_of_localizers_only_holds_no_ct_series(tmp_path):
    write_localizer(tmp_path / 'scout', '1.2.826.0.1.3680043.8.498.77')
    found = {'scout': read_series('scout', find_dicom_files(tmp_path / 'scout'))}
    with pytest.raises(ToolError, match=r'scout holds no CT series \(found: 1 localizer image'):
        choose_series(found)
