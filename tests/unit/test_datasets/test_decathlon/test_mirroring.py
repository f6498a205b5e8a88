"""mirror_axes: both slice axes, but the left-right one when class names tell the sides apart."""

import pytest

from attn_unet.datasets.decathlon.mirroring import mirror_axes, names_a_side


@pytest.mark.parametrize(
    'name, sided',
    [
        ('kidney_left', True),
        ('Right-Lung', True),
        ('LeftKidney', True),
        ('L lobe', True),
        ('adrenal gland (R)', True),
        ('lung_upper_lobe_lt', True),
        ('vertebrae_L1', False),  # a lumbar vertebra, not a side
        ('pancreas', False),
        ('bladder', False),
        ('liver', False),
        ('leftover', False),
    ],
)
def test_a_side_is_a_word_of_the_name(name, sided):
    assert names_a_side(name) is sided


@pytest.mark.parametrize(
    'view, classes, axes, fragment',
    [
        ('axial', ('background', 'pancreas', 'cancer'), (0, 1), 'no class names a side'),
        ('axial', ('background', 'kidney_left', 'kidney_right'), (0,), "'kidney_left'"),
        ('coronal', ('background', 'lung_left', 'lung_right'), (0,), 'columns'),
        ('sagittal', ('background', 'lung_left', 'lung_right'), (0, 1), 'no left-right axis'),
    ],
)
def test_the_left_right_axis_is_left_out_for_sided_classes(view, classes, axes, fragment):
    chosen, reason = mirror_axes(view, classes)
    assert chosen == axes and fragment in reason
