"""tools/predict.py on DICOM series: the NIfTI answer, a SEG that reads back, one-line refusals.

The trained phantom model segments one validation case given as a DICOM series (rows
running towards anterior, stored values rescaled by 2 and -1024, files shuffled,
InstanceNumbers scrambled, a localizer and a second series beside it, an RLE copy)
and as the NIfTI a converter makes from it: the labels agree voxel for voxel and the
SEG read back by highdicom holds them on the source slices. Every series that cannot
be placed exactly is refused in one line, with nothing written.
"""

import json
import sys

import nibabel as nib
import numpy as np
import pytest

from attn_unet.version import __version__
from demo.synthetic import render_ct_case
from tests.helpers.dicom_series import sheared, write_localizer, write_series
from tests.helpers.orientations import stored_as
from tests.helpers.predict_fixtures import predict_in_process as predict
from tests.helpers.predict_fixtures import read_labels as labels
from tests.helpers.tools import assert_one_line_error, run_tool_in_process

LIVER = 5


@pytest.fixture(scope='module')
def dicom_case(phantom_model, tmp_path_factory):
    """A validation case as a series in ``pat/ct`` (beside a thicker series and a localizer),
    an RLE copy of it in ``rle/``, and ``twin.nii.gz``, the NIfTI made from it (LPS)."""
    root = tmp_path_factory.mktemp('dicom_case')
    case = phantom_model['raw'] / 'img' / f'img{phantom_model["val"][0]}.nii.gz'
    image = nib.load(case)
    volume, affine = stored_as(np.asarray(image.dataobj), image.affine, 'ALS')
    series = write_series(root / 'pat' / 'ct', volume, affine, slope=2, intercept=-1024, seed=1)
    write_localizer(root / 'pat' / 'ct', series.uid)
    write_series(root / 'pat' / 'ct', volume[..., ::2], affine @ np.diag([1, 1, 2, 1.0]),
                 number=3, description='Abdomen thick', seed=2)  # fmt: skip
    write_series(root / 'rle', volume, affine, slope=2, intercept=-1024, seed=3, rle=True,
                 uid=series.uid)  # fmt: skip
    twin, twin_affine = stored_as(series.hu, series.affine, 'LPS')  # as dcm2niix would store it
    nib.save(nib.Nifti1Image(twin.astype(np.int16), twin_affine), root / 'twin.nii.gz')
    return dict(root=root, series=series)


def test_a_series_gets_the_labels_of_its_nifti_and_a_seg_that_reads_back(
    phantom_model, dicom_case, tmp_path, capsys, monkeypatch
):
    import highdicom as hd

    root, series = dicom_case['root'], dicom_case['series']
    run = predict(phantom_model, root / 'pat', root / 'rle', '--series', series.uid,
                  '--dicom-seg', '--out-dir', tmp_path / 'dicom',
                  capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    run = predict(phantom_model, root / 'twin.nii.gz', '--out-dir', tmp_path / 'nifti',
                  capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]

    from_series, written = labels(tmp_path / 'dicom' / 'ct.nii.gz')
    from_nifti, twin = labels(tmp_path / 'nifti' / 'twin.nii.gz')
    np.testing.assert_allclose(written.affine, series.affine, atol=1e-4)  # opens over the series
    assert ''.join(nib.aff2axcodes(written.affine)) == 'ALS'
    in_prs = stored_as(from_series, written.affine, 'PRS')[0]
    np.testing.assert_array_equal(in_prs, stored_as(from_nifti, twin.affine, 'PRS')[0])
    assert (from_series == LIVER).any() and (from_series == 0).any()
    np.testing.assert_array_equal(labels(tmp_path / 'dicom' / 'rle.nii.gz')[0], from_series)

    record = json.loads((tmp_path / 'dicom' / 'ct.json').read_text())
    assert record['series_uid'] == series.uid and record['slices'] == from_series.shape[2]
    assert record['dicom_seg'] == str(tmp_path / 'dicom' / 'ct_seg.dcm')
    assert record['preprocessing']['scan_orientation'] == 'ALS'
    assert record['dicom_seg_segments']['liver'] == LIVER

    seg = hd.seg.segread(tmp_path / 'dicom' / 'ct_seg.dcm')
    frames = seg.get_pixels_by_source_instance(
        source_sop_instance_uids=series.sop_uids, combine_segments=True, skip_overlap_checks=True
    )  # slice k of the helper's volume, whatever order the reader found the files in
    np.testing.assert_array_equal(frames, np.transpose(from_series, (2, 1, 0)))
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == series.uid
    segments = {item.SegmentLabel: item for item in seg.SegmentSequence}
    assert segments['liver'].SegmentNumber == LIVER
    assert segments['liver'].SegmentedPropertyTypeCodeSequence[0].CodeValue == '10200004'
    kidney = segments['left_kidney'].SegmentedPropertyTypeCodeSequence[0]
    assert kidney.CodeValue == '64033007'
    assert kidney.SegmentedPropertyTypeModifierCodeSequence[0].CodeValue == '7771000'
    algorithm = segments['liver'].SegmentationAlgorithmIdentificationSequence[0]
    assert algorithm.AlgorithmName == 'attn-unet' and algorithm.AlgorithmVersion == __version__
    assert segments['liver'].SegmentAlgorithmType == 'AUTOMATIC'


# The tiny random model for everything decided before the first prediction.


@pytest.fixture(scope='module')
def small_volume():
    hu, _, affine = render_ct_case(np.random.default_rng(2), (32, 32), 6, bowel_loops=4)
    return hu, affine


def _run_tiny(tiny, *args, capsys, monkeypatch):
    return run_tool_in_process(
        'tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'], *args, '--no-progress',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip


def _missing(volume, folder):
    write_series(folder, *volume, drop=3)
    return [folder], ('unevenly spaced', 'a slice is missing')


def _tilted(volume, folder):
    write_series(folder, volume[0], sheared(volume[1], 15))
    return [folder], ('tilted', '15.00 degrees', '--allow-gantry-tilt')


def _duplicate(volume, folder):
    write_series(folder, *volume, duplicate=2)
    return [folder], ('2 of its slices lie at one position', 'more than one volume')


def _mixed_sizes(volume, folder):
    write_series(folder, *volume, odd_size=4)
    return [folder], ('different matrix sizes (32x32, 33x32)',)


def _several(volume, folder):
    first = write_series(folder, *volume, number=2)
    second = write_series(
        folder, volume[0][..., ::2], volume[1] @ np.diag([1, 1, 2, 1.0]), number=3
    )
    return [folder], ('holds 2 CT series', first.uid, second.uid, '6 slices)', '--all-series')


def _unknown_uid(volume, folder):
    write_series(folder, *volume)
    return [folder, '--series', '1.2.3.4'], ('--series 1.2.3.4 is not a CT series of the inputs',)


def _seg_of_nifti(volume, folder):
    folder.mkdir()
    nib.save(nib.Nifti1Image(volume[0], volume[1]), folder / 'scan.nii.gz')
    return [folder / 'scan.nii.gz', '--dicom-seg'], ('--dicom-seg writes a DICOM Segmentation',
                                                     'scan.nii.gz is not one')  # fmt: skip


def _nan_nifti(volume, folder):
    folder.mkdir()
    data = volume[0].astype(np.float32)
    data[3:5, 4, 2] = np.nan
    nib.save(nib.Nifti1Image(data, volume[1]), folder / 'scan.nii.gz')
    return [folder], ('has 2 of 6144 voxels that are not finite', '--allow-non-finite')


def _nan_slope(volume, folder):
    import pydicom

    written = write_series(folder, *volume)
    ds = pydicom.dcmread(written.files[0])
    ds['RescaleSlope'].value = 'NaN'
    ds.save_as(written.files[0])
    return [folder], ('has 1024 of 6144 voxels that are not finite', written.uid)


@pytest.mark.parametrize(
    'make',
    [_missing, _tilted, _duplicate, _mixed_sizes, _several, _unknown_uid, _seg_of_nifti,
     _nan_nifti, _nan_slope],
)  # fmt: skip
def test_what_cannot_be_placed_or_chosen_is_refused_in_one_line(
    tiny, small_volume, tmp_path, capsys, monkeypatch, make
):
    inputs, words = make(small_volume, tmp_path / 'in')
    run = _run_tiny(tiny, *inputs, '--out-dir', tmp_path / 'out', capsys=capsys,
                    monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, *words)
    assert not (tmp_path / 'out').exists()  # checked before anything, the folder included


def test_a_tilted_series_is_placed_when_allowed_with_its_sheared_affine(
    tiny, small_volume, tmp_path, capsys, monkeypatch
):
    tilted = write_series(tmp_path / 'tilt', small_volume[0], sheared(small_volume[1], 15))
    run = _run_tiny(tiny, tmp_path / 'tilt', '--allow-gantry-tilt', '--out-dir', tmp_path / 'out',
                    capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    _, written = labels(tmp_path / 'out' / 'tilt.nii.gz')
    np.testing.assert_allclose(written.header.get_sform(), tilted.affine, atol=1e-4)
    assert int(written.header['qform_code']) == 0  # a quaternion cannot hold the shear
    record = json.loads((tmp_path / 'out' / 'tilt.json').read_text())
    assert record['gantry_tilt_degrees'] == pytest.approx(15, abs=0.01)


def test_all_series_gives_one_output_each(tiny, small_volume, tmp_path, capsys, monkeypatch):
    first = write_series(tmp_path / 'pat', *small_volume, number=2)
    second = write_series(tmp_path / 'pat', small_volume[0][..., ::2],
                          small_volume[1] @ np.diag([1, 1, 2, 1.0]), number=3)  # fmt: skip
    run = _run_tiny(tiny, tmp_path / 'pat', '--all-series', '--out-dir', tmp_path / 'out',
                    capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    for stem, series in (('pat_2', first), ('pat_3', second)):
        record = json.loads((tmp_path / 'out' / f'{stem}.json').read_text())
        assert record['series_uid'] == series.uid
        assert labels(tmp_path / 'out' / f'{stem}.nii.gz')[0].shape == series.hu.shape


def test_non_finite_voxels_are_segmented_as_air_only_when_allowed(
    tiny, small_volume, tmp_path, capsys, monkeypatch
):
    (tmp_path / 'in').mkdir()
    data = small_volume[0].astype(np.float32)
    data[3:5, 4, 2] = np.nan
    nib.save(nib.Nifti1Image(data, small_volume[1]), tmp_path / 'in' / 'scan.nii.gz')
    air = data.copy()
    air[3:5, 4, 2] = -1024
    nib.save(nib.Nifti1Image(air, small_volume[1]), tmp_path / 'in' / 'air.nii.gz')
    run = _run_tiny(tiny, tmp_path / 'in', '--allow-non-finite', '--out-dir', tmp_path / 'out',
                    capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert '2 of 6144 voxels are not finite; reading them as air (-1024 HU)' in run.stderr
    np.testing.assert_array_equal(labels(tmp_path / 'out' / 'scan.nii.gz')[0],
                                  labels(tmp_path / 'out' / 'air.nii.gz')[0])  # fmt: skip


def test_nifti_needs_no_dicom_package_and_dicom_names_it(
    tiny, small_volume, tmp_path, capsys, monkeypatch
):
    (tmp_path / 'nifti').mkdir()
    nib.save(nib.Nifti1Image(*small_volume), tmp_path / 'nifti' / 'scan.nii.gz')
    write_series(tmp_path / 'dicom', *small_volume)
    for module in ('pydicom', 'highdicom'):
        monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    run = _run_tiny(tiny, tmp_path / 'nifti', '--out-dir', tmp_path / 'out', capsys=capsys,
                    monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    run = _run_tiny(tiny, tmp_path / 'dicom', '--out-dir', tmp_path / 'out2', capsys=capsys,
                    monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, 'reading DICOM needs pydicom', 'pip install -e ".[dicom]"')
