"""Class names get SNOMED CT codes in the SEG (organs, tumours, laterality); others generic."""

import pytest

from attn_unet.slicing.ct_slices import SYNAPSE_CLASSES
from attn_unet.volumes.dicom import segment_code


@pytest.mark.parametrize(
    'name, code, modifier',
    [
        ('liver', '10200004', None),
        ('spleen', '78961009', None),
        ('pancreas', '15776009', None),
        ('aorta', '15825003', None),
        ('gallbladder', '28231008', None),
        ('stomach', '69695003', None),
        ('left_kidney', '64033007', '7771000'),
        ('right_kidney', '64033007', '24028007'),
        ('Kidney Left', '64033007', '7771000'),
        ('gall bladder', '28231008', None),
    ],
)
def test_organs_have_their_anatomy_codes(name, code, modifier):
    coded = segment_code(name)
    assert coded.known and coded.type[0] == code
    assert (coded.modifier and coded.modifier[0]) == modifier
    assert coded.category == ('91723000', 'Anatomical Structure')


def test_every_synapse_organ_is_known_and_other_classes_are_generic():
    assert all(segment_code(name).known for name in SYNAPSE_CLASSES[1:])
    generic = segment_code('traffic light')
    assert not generic.known and generic.type == ('91723000', 'Anatomical Structure')


@pytest.mark.parametrize(
    'name, code, category, modifier',
    [
        ('cancer', '108369006', '49755003', None),  # the Decathlon pancreas set's tumour class
        ('Tumour', '108369006', '49755003', None),
        ('liver_tumor', '108369006', '49755003', None),
        ('edema', '79654002', '49755003', None),
        ('prostate', '41216001', '91723000', None),
        ('Hippocampus', '5366008', '91723000', None),
        ('left atrium', '82471001', '91723000', None),  # a structure, not a side of one
        ('heart', '80891009', '91723000', None),
        ('adrenal_gland_left', '23451007', '91723000', '7771000'),
    ],
)
def test_other_datasets_names_have_their_codes(name, code, category, modifier):
    coded = segment_code(name)
    assert coded.known and coded.type[0] == code and coded.category[0] == category
    assert (coded.modifier and coded.modifier[0]) == modifier


@pytest.mark.parametrize('name', ['PZ', 'anterior', 'left', 'left_right_thing'])
def test_names_without_a_known_code_are_generic(name):
    assert not segment_code(name).known


def test_every_code_is_the_one_snomed_ct_gives_that_meaning():
    """Each (code, meaning) pair of the table is pydicom's SNOMED CT dictionary entry."""
    from pydicom.sr.codedict import codes

    from attn_unet.volumes.dicom import segment_codes

    pairs = {
        segment_codes.ANATOMICAL_STRUCTURE,
        segment_codes.MORPHOLOGICALLY_ABNORMAL,
        segment_codes.LEFT,
        segment_codes.RIGHT,
        *segment_codes._ANATOMY.values(),
        *segment_codes._MORPHOLOGY.values(),
    }
    for code, meaning in sorted(pairs):
        keyword = ''.join(w[:1].upper() + w[1:] for w in meaning.replace('-', ' ').split())
        concept = getattr(codes.SCT, keyword)
        assert (concept.value, concept.scheme_designator) == (code, 'SCT'), meaning
