import numpy as np
import pytest

from demo.synthetic.ct_phantom.render import render_ct_case

EVALUATED = {'spleen': 1, 'right_kidney': 2, 'left_kidney': 3, 'gallbladder': 4, 'liver': 6,
             'stomach': 7, 'aorta': 8, 'pancreas': 11}  # fmt: skip


def test_hounsfield_units_and_label_ids(case):
    hu, label, _ = case
    assert set(np.unique(label)) <= set(range(14))
    assert hu[0, 0, 0] < -900  # air outside the body
    present = {name for name, i in EVALUATED.items() if (label == i).any()}
    assert present == set(EVALUATED)
    organ_hu = {name: hu[label == i].mean() for name, i in EVALUATED.items()}
    assert organ_hu['aorta'] > 130 and organ_hu['gallbladder'] < 40
    assert 40 < organ_hu['pancreas'] < 130


@pytest.mark.parametrize(
    'seed_a, seed_b, same',
    [((0, 5), (0, 5), True), ((0, 5), (1, 5), False), ((0, 5), (0, 6), False)],
)
def test_seeded(seed_a, seed_b, same):
    a = render_ct_case(np.random.default_rng(seed_a), size=(48, 48), slices=4)
    b = render_ct_case(np.random.default_rng(seed_b), size=(48, 48), slices=4)
    assert np.array_equal(a[0], b[0]) == same and np.array_equal(a[1], b[1]) == same
