"""The plan fitted to a fingerprint: the view, each channel's normalisation, the crop."""

import pytest

from attn_unet.datasets.decathlon.planner import channel_plan, choose_view, fit_crop
from attn_unet.datasets.decathlon.raw_set import RawSet


@pytest.mark.parametrize(
    'spacing, view',
    [
        ((0.8, 0.8, 2.5), 'axial'),  # thick axial slices: cut across the slice axis
        ((0.7, 3.0, 0.7), 'coronal'),  # a coronal acquisition (MRI)
        ((4.0, 0.9, 0.9), 'sagittal'),
        ((1.0, 1.0, 1.0), 'axial'),  # isotropic: the plane scans are read in
        ((1.05, 1.0, 1.0), 'axial'),  # within 10 % of the axial spacing
    ],
)
def test_slices_are_cut_across_the_coarsest_axis(spacing, view):
    chosen, reason = choose_view(spacing)
    assert chosen == view and 'coarsest' in reason
    assert choose_view(spacing, 'sagittal')[0] == 'sagittal'


def test_ct_is_windowed_on_the_foreground_and_other_modalities_z_scored():
    raw = RawSet('r', 'nnunet', 'x', {0: 'background'}, ('CT', 'T2', 'noNorm'), (), ())
    stats = dict(
        foreground_percentile_00_5=-96.0,
        foreground_percentile_99_5=215.0,
        foreground_mean=77.9,
        foreground_std=75.4,
    )
    ct, t2, kept = channel_plan(raw, [stats] * 3)
    assert ct == dict(name='CT', norm='ct', clip=[-96.0, 215.0], mean=77.9, std=75.4)
    assert t2 == dict(name='T2', norm='zscore') and kept == dict(name='noNorm', norm='none')


@pytest.mark.parametrize(
    'sizes, rate, cap, crop',
    [
        ([(512, 512)] * 3, 16, 512, (512, 512)),
        ([(240, 240), (240, 250), (232, 240)], 16, 512, (240, 240)),  # the median, rounded up
        ([(100, 130)], 8, 256, (104, 136)),
        ([(700, 700)], 16, 512, (512, 512)),  # capped
    ],
)
def test_the_crop_holds_a_median_slice_in_multiples_of_the_rate(sizes, rate, cap, crop):
    fitted, reason = fit_crop(sizes, rate, cap)
    assert fitted == crop
    assert all(side % rate == 0 for side in fitted)
    assert ('capped' in reason) == (crop == (512, 512) and sizes[0][0] == 700)
