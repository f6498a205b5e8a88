"""What each class is, in the SNOMED CT codes a DICOM Segmentation names its segments with.

The Synapse organs (:data:`~attn_unet.datasets.ct_slices.SYNAPSE_CLASSES`) have their
anatomy codes; the kidneys carry a laterality modifier (left 7771000, right
24028007). A class this table does not know (another dataset's) is coded generically
as an anatomical structure (SNOMED CT 91723000), its name kept as the segment label.
Codes are plain tuples here, so importing this module needs no pydicom.
"""

from dataclasses import dataclass

__all__ = ['ANATOMICAL_STRUCTURE', 'SegmentCode', 'segment_code']

# (SNOMED CT code, meaning)
ANATOMICAL_STRUCTURE = ('91723000', 'Anatomical Structure')
LEFT, RIGHT = ('7771000', 'Left'), ('24028007', 'Right')
KIDNEY = ('64033007', 'Kidney')
_ORGANS = {
    'liver': (('10200004', 'Liver'), None),
    'spleen': (('78961009', 'Spleen'), None),
    'pancreas': (('15776009', 'Pancreas'), None),
    'aorta': (('15825003', 'Aorta'), None),
    'gallbladder': (('28231008', 'Gallbladder'), None),
    'stomach': (('69695003', 'Stomach'), None),
    'left_kidney': (KIDNEY, LEFT),
    'right_kidney': (KIDNEY, RIGHT),
    'kidney_left': (KIDNEY, LEFT),
    'kidney_right': (KIDNEY, RIGHT),
    'kidney': (KIDNEY, None),
}


@dataclass(frozen=True)
class SegmentCode:
    """The coded concepts of one segment (each a ``(code, meaning)`` pair in SNOMED CT).

    Attributes:
        category: the segmented property category (an anatomical structure).
        type: the segmented property type (the organ).
        modifier: the type's laterality, or None.
        known: False when the class was coded generically.
    """

    category: tuple
    type: tuple
    modifier: tuple | None
    known: bool


def segment_code(class_name: str) -> SegmentCode:
    """The codes of class ``class_name`` (``'left_kidney'``, ``'Liver'``, ``'gall bladder'``)."""
    key = '_'.join(class_name.lower().replace('-', ' ').split())
    key = 'gallbladder' if key == 'gall_bladder' else key
    if key in _ORGANS:
        organ, modifier = _ORGANS[key]
        return SegmentCode(ANATOMICAL_STRUCTURE, organ, modifier, True)
    return SegmentCode(ANATOMICAL_STRUCTURE, ANATOMICAL_STRUCTURE, None, False)
