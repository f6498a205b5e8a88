"""A prediction as a DICOM Segmentation that references its source series (``--dicom-seg``).

highdicom builds the SEG (BINARY, one segment per foreground class of the model,
segment number = the model's class id) from the series' own headers: patient, study,
frame of reference and every referenced source instance come from them, and frame k
of the label volume lies on the k-th slice along the normal. Each segment carries its
coded anatomy (:mod:`.segment_codes`), the algorithm (``attn-unet``, the config and
checkpoint names, :data:`attn_unet.version.__version__`) and the type AUTOMATIC. A
PACS, OHIF or 3D Slicer (with QuantitativeReporting) shows it over the series.
"""

import os.path as osp
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from attn_unet.errors import DependencyError, ToolError
from attn_unet.fileio import atomic_write
from attn_unet.version import __version__

from .dicom_files import DICOM_INSTALL
from .segment_codes import segment_code

__all__ = ['SegAuthor', 'import_highdicom', 'write_dicom_seg']

SEG_SERIES_NUMBER = 900


@dataclass(frozen=True)
class SegAuthor:
    """Who made the segmentation: the config and checkpoint (their file names are recorded)."""

    config: str
    checkpoint: str

    @property
    def model_name(self) -> str:
        """The config's name without ``.py``: the model, as the zoo names it."""
        return osp.splitext(osp.basename(self.config))[0]


def import_highdicom():
    """highdicom, or one line saying how to install it.

    Raises:
        DependencyError: highdicom (or pydicom) is not installed.
    """
    try:
        import highdicom
    except ImportError as exc:
        raise DependencyError(f'--dicom-seg needs highdicom ({exc}): {DICOM_INSTALL}') from None
    return highdicom


def write_dicom_seg(
    path: str,
    labels: np.ndarray,
    scan,
    classes: Sequence[str],
    author: SegAuthor,
    overwrite: bool = False,
) -> None:
    """Write ``labels`` as a DICOM Segmentation of ``scan``'s series.

    Args:
        path: the ``.dcm`` file to write (whole, under a hidden name first).
        labels: ``(X, Y, Z)`` class ids 0..C-1 (the model's, 0 background) in the
            series' voxel order (:class:`~.dicom_scan.DicomScan`: column, row, slice).
        scan: the :class:`~.dicom_scan.DicomScan` it was predicted from.
        classes: the model's C class names, background first.
        author: the config and checkpoint.
        overwrite: replace an existing ``path``.

    Raises:
        ToolError: ``path`` exists and ``overwrite`` is False.
        DependencyError: highdicom is not installed.
    """
    hd = import_highdicom()
    from pydicom.sr.codedict import codes

    if osp.exists(path) and not overwrite:
        raise ToolError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    algorithm = hd.AlgorithmIdentificationSequence(
        name='attn-unet',
        family=codes.cid7162.ArtificialIntelligence,
        version=__version__,
        source=author.model_name,
        parameters=dict(
            config=osp.basename(author.config), checkpoint=osp.basename(author.checkpoint)
        ),
    )
    segments = [
        _segment(hd, number, name, algorithm) for number, name in enumerate(classes) if number
    ]
    frames = np.ascontiguousarray(np.transpose(labels, (2, 1, 0)).astype(np.uint8))
    seg = hd.seg.Segmentation(
        source_images=scan.headers,
        pixel_array=frames,
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=segments,
        series_instance_uid=hd.UID(),
        series_number=SEG_SERIES_NUMBER,
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer='attn-unet',
        manufacturer_model_name=author.model_name[:64],
        software_versions=__version__,
        device_serial_number='none',
        series_description=f'attn-unet {author.model_name}'[:64],
        content_label='ATTN_UNET',
        content_description='Attention U-Net segmentation',
        omit_empty_frames=bool(frames.any()),  # a SEG needs one frame at least
    )
    with atomic_write(path, unique=True) as partial:
        seg.save_as(partial)


def _snomed(code: tuple):
    """A SNOMED CT ``(code, meaning)`` pair as highdicom's coded concept."""
    from highdicom.sr import CodedConcept

    return CodedConcept(value=code[0], scheme_designator='SCT', meaning=code[1])


def _segment(hd, number: int, name: str, algorithm):
    """The SegmentDescription of class ``number`` named ``name``, with its coded anatomy."""
    code = segment_code(name)
    description = hd.seg.SegmentDescription(
        segment_number=number,
        segment_label=name[:64],
        segmented_property_category=_snomed(code.category),
        segmented_property_type=_snomed(code.type),
        algorithm_type=hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC,
        algorithm_identification=algorithm,
        tracking_uid=hd.UID(),
        tracking_id=name[:64],
    )
    if code.modifier is not None:  # laterality, inside the property type's item
        property_type = description.SegmentedPropertyTypeCodeSequence[0]
        property_type.SegmentedPropertyTypeModifierCodeSequence = [_snomed(code.modifier)]
    return description
