"""A label volume written as a DICOM SEG over a CT or MR series reads back voxel for voxel.

The labels are known (no model), so every segment is on some slices and off others: each
frame highdicom reads back for a source slice must be that slice's labels, each segment must
carry its class name's codes, and a class without a known code its name and the generic code.
"""

import numpy as np
import pytest

from attn_unet.errors import VolumeError
from attn_unet.volumes.dicom import (
    SegAlgorithm,
    find_dicom_files,
    open_series,
    read_series,
    write_dicom_seg,
)
from tests.helpers.dicom_series import small_volume, write_series

CLASSES = ['background', 'liver', 'liver_tumour', 'PZ']
ALGORITHM = SegAlgorithm('attn-unet', '0.1', 'tiny-model', dict(config='tiny.py'))


def _labels(shape) -> np.ndarray:
    """Class ids on a known pattern: 1 in one half, 2 on odd slices of a block, 3 a corner."""
    x, y, z = np.indices(shape)
    labels = np.zeros(shape, np.uint8)
    labels[x < shape[0] // 2] = 1
    labels[(y > shape[1] // 2) & (z % 2 == 1)] = 2
    labels[(x > shape[0] - 4) & (y < 4)] = 3
    return labels


@pytest.mark.parametrize('modality', ['CT', 'MR'])
def test_the_seg_holds_the_labels_on_each_source_slice(tmp_path, modality):
    import highdicom as hd

    hu, affine = small_volume()
    written = write_series(tmp_path / 'series', hu + 1024, affine, modality=modality)
    (found,) = read_series(str(tmp_path), find_dicom_files(tmp_path / 'series'))
    series = open_series(found, 'series')
    labels = _labels(series.shape)
    write_dicom_seg(str(tmp_path / 'seg.dcm'), labels, series, CLASSES, ALGORITHM)

    seg = hd.seg.segread(tmp_path / 'seg.dcm')
    frames = seg.get_pixels_by_source_instance(
        source_sop_instance_uids=written.sop_uids, combine_segments=True, skip_overlap_checks=True
    )  # slice k of the written volume, whatever order the files were read in
    np.testing.assert_array_equal(frames, np.transpose(labels, (2, 1, 0)))
    segments = {s.SegmentLabel: s for s in seg.SegmentSequence}
    assert [segments[n].SegmentNumber for n in CLASSES[1:]] == [1, 2, 3]

    def code(name, what='SegmentedPropertyTypeCodeSequence'):
        return getattr(segments[name], what)[0].CodeValue

    assert code('liver') == '10200004' and code('liver_tumour') == '108369006'
    assert code('liver_tumour', 'SegmentedPropertyCategoryCodeSequence') == '49755003'
    assert code('PZ') == '91723000'  # no known code: generic, its name the label
    assert seg.ReferencedSeriesSequence[0].SeriesInstanceUID == written.uid
    algorithm = segments['liver'].SegmentationAlgorithmIdentificationSequence[0]
    assert (algorithm.AlgorithmName, algorithm.AlgorithmVersion) == ('attn-unet', '0.1')

    with pytest.raises(VolumeError, match='seg.dcm exists: pass --overwrite'):
        write_dicom_seg(str(tmp_path / 'seg.dcm'), labels, series, CLASSES, ALGORITHM)
