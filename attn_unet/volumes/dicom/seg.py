"""A label volume as a DICOM Segmentation that references its source series.

highdicom builds the SEG (BINARY, one segment per foreground class, segment number = the
class id) from the series' own headers: patient, study, frame of reference and every
referenced source instance come from them, and frame k of the label volume lies on the k-th
slice along the normal. Each segment carries its coded concepts (:mod:`.segment_codes`:
SNOMED CT where the class name is known, else a generic anatomical structure with the class
name as the segment label), the algorithm that made it and the type AUTOMATIC. A PACS, OHIF
or 3D Slicer (with QuantitativeReporting) shows it over the series, CT or MR.
"""

import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np

from attn_unet.errors import DependencyError, VolumeError
from attn_unet.fileio import atomic_write

from .files import DICOM_INSTALL
from .segment_codes import SegmentCode, segment_code

__all__ = [
    'SEG_SERIES_NUMBER',
    'SegAlgorithm',
    'coded_segments',
    'import_highdicom',
    'write_dicom_seg',
]

SEG_SERIES_NUMBER = 900


@dataclass(frozen=True)
class SegAlgorithm:
    """What made the segmentation, as the SEG's algorithm identification records it.

    Attributes:
        name: the algorithm (``'attn-unet'``).
        version: its version.
        source: the model, as its zoo names it (64 characters at most are kept).
        parameters: name -> value pairs kept with it (the config and checkpoint files).
    """

    name: str
    version: str
    source: str
    parameters: Dict[str, str] = field(default_factory=dict)


def import_highdicom(needed_by: str = 'writing a DICOM Segmentation'):
    """highdicom, or one line saying how to install it.

    Raises:
        DependencyError: highdicom (or pydicom) is not installed.
    """
    try:
        import highdicom
    except ImportError as exc:
        raise DependencyError(f'{needed_by} needs highdicom ({exc}): {DICOM_INSTALL}') from None
    return highdicom


def coded_segments(classes: Sequence[str]) -> List[tuple]:
    """``[(segment number, class name, SegmentCode)]`` of every foreground class (id > 0)."""
    return [(number, name, segment_code(name)) for number, name in enumerate(classes) if number]


def write_dicom_seg(
    path: str,
    labels: np.ndarray,
    series,
    classes: Sequence[str],
    algorithm: SegAlgorithm,
    overwrite: bool = False,
) -> None:
    """Write ``labels`` as a DICOM Segmentation of ``series``.

    Args:
        path: the ``.dcm`` file to write (whole, under a hidden name first).
        labels: ``(X, Y, Z)`` class ids 0..C-1 (0 background) in the series' voxel order
            (:class:`~.series.DicomSeries`: column, row, slice).
        series: the :class:`~.series.DicomSeries` the labels lie on.
        classes: the C class names, background first; class c is segment c.
        algorithm: what made them.
        overwrite: replace an existing ``path``.

    Raises:
        VolumeError: ``path`` exists and ``overwrite`` is False.
        DependencyError: highdicom is not installed.
    """
    hd = import_highdicom()
    from pydicom.sr.codedict import codes

    if osp.exists(path) and not overwrite:
        raise VolumeError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    identification = hd.AlgorithmIdentificationSequence(
        name=algorithm.name,
        family=codes.cid7162.ArtificialIntelligence,
        version=algorithm.version,
        source=algorithm.source[:64],
        parameters=dict(algorithm.parameters) or None,
    )
    segments = [
        _segment(hd, number, name, code, identification)
        for number, name, code in coded_segments(classes)
    ]
    frames = np.ascontiguousarray(np.transpose(labels, (2, 1, 0)).astype(np.uint8))
    seg = hd.seg.Segmentation(
        source_images=series.headers,
        pixel_array=frames,
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=segments,
        series_instance_uid=hd.UID(),
        series_number=SEG_SERIES_NUMBER,
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer=algorithm.name,
        manufacturer_model_name=algorithm.source[:64],
        software_versions=algorithm.version,
        device_serial_number='none',
        series_description=f'{algorithm.name} {algorithm.source}'[:64],
        content_label=re.sub(r'[^A-Z0-9_]', '_', algorithm.name.upper())[:16] or 'SEGMENTATION',
        content_description=f'{algorithm.name} segmentation'[:64],
        omit_empty_frames=bool(frames.any()),  # a SEG needs one frame at least
    )
    with atomic_write(path, unique=True) as partial:
        seg.save_as(partial)


def _snomed(code: tuple):
    """A SNOMED CT ``(code, meaning)`` pair as highdicom's coded concept."""
    from highdicom.sr import CodedConcept

    return CodedConcept(value=code[0], scheme_designator='SCT', meaning=code[1])


def _segment(hd, number: int, name: str, code: SegmentCode, identification):
    """The SegmentDescription of class ``number`` named ``name``, with its coded concepts."""
    description = hd.seg.SegmentDescription(
        segment_number=number,
        segment_label=name[:64],
        segmented_property_category=_snomed(code.category),
        segmented_property_type=_snomed(code.type),
        algorithm_type=hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC,
        algorithm_identification=identification,
        tracking_uid=hd.UID(),
        tracking_id=name[:64],
    )
    if code.modifier is not None:  # laterality, inside the property type's item
        property_type = description.SegmentedPropertyTypeCodeSequence[0]
        property_type.SegmentedPropertyTypeModifierCodeSequence = [_snomed(code.modifier)]
    return description
