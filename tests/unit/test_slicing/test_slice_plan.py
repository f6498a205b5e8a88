"""SlicePlan: the record a checkpoint carries, and the label values <-> class ids it maps."""

import numpy as np
import pytest

from attn_unet.slicing.slice_plan import SlicePlan

CT = dict(name='CT', norm='ct', clip=[-96.0, 215.0], mean=77.9, std=75.4)


def _plan(**kwargs) -> SlicePlan:
    fields = dict(
        view='axial',
        channels=(CT, dict(name='T2', norm='zscore')),
        label_values=(0, 1, 4),
        classes=('background', 'edema', 'tumour'),
        context=3,
    )
    return SlicePlan(**{**fields, **kwargs})


@pytest.mark.parametrize('extra', [{}, dict(mirror_axes=(0,), ignore_value=5)])
def test_the_record_round_trip_keeps_every_number(extra):
    plan = _plan(**extra)
    record = plan.to_record()
    assert record['orientation'] == 'LPS' and record['in_channels'] == 6
    assert SlicePlan.from_record(dict(record, cases={'c1': {}})) == plan


def test_a_record_from_before_mirror_axes_mirrors_nothing():
    record = _plan().to_record()
    del record['mirror_axes'], record['ignore_value']
    plan = SlicePlan.from_record(record)
    assert plan.mirror_axes == () and plan.ignore_value is None


def test_the_ignore_value_becomes_255_and_is_never_written_back():
    plan = _plan(ignore_value=5)
    ids = plan.class_ids(np.array([[0, 5], [4, 1]]))
    assert ids.tolist() == [[0, 255], [2, 1]]
    assert plan.label_values_of(np.array([0, 1, 2])).tolist() == [0, 1, 4]
    assert 'ignore' not in plan.classes and len(plan.classes) == 3
    with pytest.raises(ValueError, match=r'label value 3 is not one of \[0, 1, 4, 5\]'):
        plan.class_ids(np.array([3]))


@pytest.mark.parametrize('view, codes', [('axial', 'LPS'), ('coronal', 'LIP'), ('sagittal', 'PIL')])
def test_each_view_slices_across_its_axis(view, codes):
    assert _plan(view=view).orientation == codes
    assert codes[2] in {'axial': 'SI', 'coronal': 'AP', 'sagittal': 'LR'}[view]


def test_label_values_map_to_class_ids_and_back():
    plan = _plan()
    label = np.array([[0, 4], [1, 4]])
    ids = plan.class_ids(label)
    assert ids.tolist() == [[0, 2], [1, 2]] and ids.dtype == np.uint8
    np.testing.assert_array_equal(plan.label_values_of(ids), label)
    with pytest.raises(ValueError, match='label value 2 is not one of'):
        plan.class_ids(np.array([0, 2]))


@pytest.mark.parametrize(
    'kwargs, match',
    [
        (dict(view='oblique'), 'view must be one of'),
        (dict(context=2), 'context must be an odd'),
        (dict(slice_gap=0), 'slice_gap'),
        (dict(channels=(dict(name='CT', norm='minmax'),)), 'every channel needs a norm'),
        (dict(label_values=(1, 2, 4)), 'label_values must start with 0'),
        (dict(mirror_axes=(2,)), 'mirror_axes must be sorted axes of'),
        (dict(mirror_axes=(1, 0)), 'mirror_axes must be sorted axes of'),
        (dict(ignore_value=3), 'must lie above every class value'),
    ],
)
def test_bad_plans_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _plan(**kwargs)
    with pytest.raises(ValueError, match='not a slice plan record'):
        SlicePlan.from_record({'view': 'axial'})
