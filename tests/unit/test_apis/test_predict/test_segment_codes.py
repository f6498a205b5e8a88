"""Each Synapse organ has its SNOMED CT code in the SEG; other classes a generic one."""

import pytest

from attn_unet.apis.predict.segment_codes import segment_code
from attn_unet.datasets.ct_slices import SYNAPSE_CLASSES


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
