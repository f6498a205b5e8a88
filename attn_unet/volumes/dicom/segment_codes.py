"""What each class is, in the SNOMED CT codes a DICOM Segmentation names its segments with.

A class name is looked up as written (``'liver'``, ``'Left atrium'``, ``'gall bladder'``:
case, spaces, hyphens and underscores do not matter), then without a laterality word
(``'left_kidney'``, ``'kidney_right'``: the organ, with a laterality modifier, left 7771000
or right 24028007), then by its last word when that names a morphology (``'liver_tumour'``:
a neoplasm). Organs are anatomical structures (91723000), tumours, lesions, cysts and oedema
morphologically abnormal structures (49755003). Every code here is the one pydicom's SNOMED CT
dictionary (``pydicom.sr.codedict``) holds under that meaning, which the tests check. A class
this table does not know (a dataset's own name, ``'PZ'``, ``'anterior'``) is coded generically
as an anatomical structure, its name kept as the segment label, and :attr:`SegmentCode.known`
says so. Codes are plain tuples here, so importing this module needs no pydicom.
"""

import re
from dataclasses import dataclass

__all__ = ['ANATOMICAL_STRUCTURE', 'MORPHOLOGICALLY_ABNORMAL', 'SegmentCode', 'segment_code']

# (SNOMED CT code, meaning)
ANATOMICAL_STRUCTURE = ('91723000', 'Anatomical Structure')
MORPHOLOGICALLY_ABNORMAL = ('49755003', 'Morphologically Abnormal Structure')
LEFT, RIGHT = ('7771000', 'Left'), ('24028007', 'Right')
_LATERALITY = {'left': LEFT, 'right': RIGHT}

_ANATOMY = {
    'adrenal gland': ('23451007', 'Adrenal gland'),
    'aorta': ('15825003', 'Aorta'),
    'bladder': ('89837001', 'Bladder'),
    'blood vessel': ('59820001', 'Blood Vessel'),
    'brain': ('12738006', 'Brain'),
    'colon': ('71854001', 'Colon'),
    'duodenum': ('38848004', 'Duodenum'),
    'esophagus': ('32849002', 'Esophagus'),
    'gallbladder': ('28231008', 'Gallbladder'),
    'heart': ('80891009', 'Heart'),
    'hepatic vein': ('8993003', 'Hepatic vein'),
    'hippocampus': ('5366008', 'Hippocampus'),
    'inferior vena cava': ('64131007', 'Inferior vena cava'),
    'kidney': ('64033007', 'Kidney'),
    'left atrium': ('82471001', 'Left atrium'),
    'left ventricle': ('87878005', 'Left ventricle'),
    'liver': ('10200004', 'Liver'),
    'lung': ('39607008', 'Lung'),
    'pancreas': ('15776009', 'Pancreas'),
    'portal vein': ('32764006', 'Portal vein'),
    'prostate': ('41216001', 'Prostate'),
    'rectum': ('34402009', 'Rectum'),
    'right ventricle': ('53085002', 'Right ventricle'),
    'small intestine': ('30315005', 'Small intestine'),
    'spinal cord': ('2748008', 'Spinal cord'),
    'spleen': ('78961009', 'Spleen'),
    'stomach': ('69695003', 'Stomach'),
    'trachea': ('44567001', 'Trachea'),
}
_MORPHOLOGY = {
    'cancer': ('108369006', 'Neoplasm'),
    'cyst': ('367643001', 'Cyst'),
    'edema': ('79654002', 'Edema'),
    'lesion': ('52988006', 'Lesion'),
    'mass': ('4147007', 'Mass'),
    'necrosis': ('6574001', 'Necrosis'),
    'neoplasm': ('108369006', 'Neoplasm'),
    'nodule': ('27925004', 'Nodule'),
    'oedema': ('79654002', 'Edema'),
    'tumor': ('108369006', 'Neoplasm'),
    'tumour': ('108369006', 'Neoplasm'),
}
_SPELLINGS = {'gall bladder': 'gallbladder', 'oesophagus': 'esophagus', 'ivc': 'inferior vena cava',
              'vessel': 'blood vessel', 'urinary bladder': 'bladder'}  # fmt: skip


@dataclass(frozen=True)
class SegmentCode:
    """The coded concepts of one segment (each a ``(code, meaning)`` pair in SNOMED CT).

    Attributes:
        category: the segmented property category.
        type: the segmented property type (the organ or the morphology).
        modifier: the type's laterality, or None.
        known: False when the class was coded generically.
    """

    category: tuple
    type: tuple
    modifier: tuple | None
    known: bool


def _words(name: str) -> list:
    return [w for w in re.split(r'[^a-z0-9]+', name.lower()) if w]


def _lookup(words: list) -> SegmentCode | None:
    key = ' '.join(words)
    key = _SPELLINGS.get(key, key)
    if key in _ANATOMY:
        return SegmentCode(ANATOMICAL_STRUCTURE, _ANATOMY[key], None, True)
    if key in _MORPHOLOGY:
        return SegmentCode(MORPHOLOGICALLY_ABNORMAL, _MORPHOLOGY[key], None, True)
    return None


def segment_code(class_name: str) -> SegmentCode:
    """The codes of class ``class_name`` (``'left_kidney'``, ``'Liver'``, ``'cancer'``)."""
    words = _words(class_name)
    code = _lookup(words)
    if code is not None:
        return code
    sides = [w for w in words if w in _LATERALITY]
    if len(sides) == 1:
        organ = _lookup([w for w in words if w not in _LATERALITY])
        if organ is not None and organ.category == ANATOMICAL_STRUCTURE:
            return SegmentCode(ANATOMICAL_STRUCTURE, organ.type, _LATERALITY[sides[0]], True)
    if len(words) > 1 and words[-1] in _MORPHOLOGY:
        return _lookup(words[-1:])
    return SegmentCode(ANATOMICAL_STRUCTURE, ANATOMICAL_STRUCTURE, None, False)
