"""A checkpoint trained on a Decathlon / nnU-Net set segments DICOM series, CT and MR.

Two tiny models trained with the configs the converter wrote (a CT set; the T2 channel of the
nnU-Net phantom alone, an MR set) segment a test case given as a DICOM series of their
modality (rows running towards anterior, files shuffled, beside a series of the other
modality) and as the NIfTI a converter makes from that series: the labels and the attention
coefficients agree voxel for voxel (the coefficients vary over every slice, whatever the tiny
models predict), and the DICOM SEG read back by highdicom holds the labels on the source
slices, each segment coded from its class name (pancreas, and the tumour class ``cancer`` as a
neoplasm; ``tests/unit/test_volumes/test_dicom/test_seg.py`` checks the SEG on known labels).
A folder holding only the other modality is refused in one line.
"""

import json

import nibabel as nib
import numpy as np
import pytest

from attn_unet.slicing.slice_plan import SlicePlan
from tests.helpers.dicom_series import write_series
from tests.helpers.orientations import stored_as
from tests.helpers.predict_fixtures import predict_in_process as predict
from tests.helpers.predict_fixtures import read_labels as labels
from tests.helpers.tools import assert_one_line_error

OTHER = {'CT': 'MR', 'MR': 'CT'}


@pytest.mark.parametrize(
    'fixture, modality', [('decathlon_model', 'CT'), ('mr_decathlon_model', 'MR')]
)
def test_a_series_gets_the_labels_of_its_nifti_and_a_seg_that_reads_back(
    request, fixture, modality, tmp_path, capsys, monkeypatch
):
    import highdicom as hd

    model = request.getfixturevalue(fixture)
    scan_path = sorted((model['raw'] / 'imagesTs').glob('*.nii.gz'))[0]
    image = nib.load(scan_path)
    volume, affine = stored_as(np.asarray(image.dataobj), image.affine, 'ALS')
    rescale = dict(slope=2, intercept=-1024) if modality == 'CT' else {}
    series = write_series(tmp_path / 'pat' / 'series', volume, affine, modality=modality,
                          seed=1, **rescale)  # fmt: skip
    write_series(tmp_path / 'pat' / 'series', volume, affine, number=7, seed=2,
                 modality=OTHER[modality])  # not a candidate: another modality  # fmt: skip
    twin, twin_affine = stored_as(series.hu, series.affine, 'LPS')  # as dcm2niix stores it
    nib.save(nib.Nifti1Image(twin.astype(np.float32), twin_affine), tmp_path / 'twin.nii.gz')

    run = predict(model, tmp_path / 'pat', '--dicom-seg', '--save-attention', '--out-dir',
                  tmp_path / 'dicom', capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    run = predict(model, tmp_path / 'twin.nii.gz', '--save-attention', '--out-dir',
                  tmp_path / 'nifti', capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]

    from_series, written = labels(tmp_path / 'dicom' / 'series.nii.gz')
    from_nifti, _ = labels(tmp_path / 'nifti' / 'twin.nii.gz')
    np.testing.assert_allclose(written.affine, series.affine, atol=1e-4)  # opens over the series
    np.testing.assert_array_equal(stored_as(from_series, written.affine, 'LPS')[0], from_nifti)
    alpha_series, alpha = labels(tmp_path / 'dicom' / 'series_attention.nii.gz')
    alpha_nifti, _ = labels(tmp_path / 'nifti' / 'twin_attention.nii.gz')
    assert alpha_nifti.std() > 0
    np.testing.assert_array_equal(stored_as(alpha_series, alpha.affine, 'LPS')[0], alpha_nifti)

    plan = SlicePlan.from_record(model['record']['volume_slices'])
    seg = hd.seg.segread(tmp_path / 'dicom' / 'series_seg.dcm')
    frames = seg.get_pixels_by_source_instance(
        source_sop_instance_uids=series.sop_uids, combine_segments=True, skip_overlap_checks=True
    )  # slice k of the written volume, whatever order the reader found the files in
    np.testing.assert_array_equal(frames, np.transpose(plan.class_ids(from_series), (2, 1, 0)))
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == series.uid
    segments = {item.SegmentLabel: item for item in seg.SegmentSequence}
    assert {name: s.SegmentNumber for name, s in segments.items()} == {'pancreas': 1, 'cancer': 2}
    pancreas = segments['pancreas'].SegmentedPropertyTypeCodeSequence[0]
    cancer = segments['cancer'].SegmentedPropertyTypeCodeSequence[0]
    assert (pancreas.CodeValue, cancer.CodeValue) == ('15776009', '108369006')  # SNOMED CT
    assert segments['cancer'].SegmentedPropertyCategoryCodeSequence[0].CodeValue == '49755003'

    record = json.loads((tmp_path / 'dicom' / 'series.json').read_text())
    assert record['series_uid'] == series.uid and record['label_ids'] == 'dataset'
    assert record['preprocessing']['scan_orientation'] == 'ALS'
    assert record['dicom_seg_codes']['cancer'] == dict(
        scheme='SCT', code='108369006', meaning='Neoplasm', known=True
    )

    (tmp_path / 'other').mkdir()
    write_series(tmp_path / 'other' / 'series', volume, affine, modality=OTHER[modality])
    run = predict(model, tmp_path / 'other', '--out-dir', tmp_path / 'refused',
                  capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, f'holds no {modality} series', f'1 {OTHER[modality]} series')
    assert not (tmp_path / 'refused').exists()
