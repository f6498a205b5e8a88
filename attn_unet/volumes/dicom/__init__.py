"""DICOM series in (found, grouped, placed on their grid, rescaled; CT and MR), a SEG out."""

from .files import (
    DICOM_INSTALL,
    SeriesFiles,
    find_dicom_files,
    import_pydicom,
    is_dicom_file,
    read_series,
)
from .geometry import SeriesGeometryError, SliceHeader, VolumeGrid, place_slices
from .seg import SegAlgorithm, coded_segments, import_highdicom, write_dicom_seg
from .segment_codes import SegmentCode, segment_code
from .series import DicomSeries, decoder_problem, open_series

__all__ = [
    'DICOM_INSTALL',
    'DicomSeries',
    'SegAlgorithm',
    'SegmentCode',
    'SeriesFiles',
    'SeriesGeometryError',
    'SliceHeader',
    'VolumeGrid',
    'coded_segments',
    'decoder_problem',
    'find_dicom_files',
    'import_highdicom',
    'import_pydicom',
    'is_dicom_file',
    'open_series',
    'place_slices',
    'read_series',
    'segment_code',
    'write_dicom_seg',
]
