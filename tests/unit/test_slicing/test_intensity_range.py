"""A scan's intensities held to the training volumes': CT as CT passes, the rest is far."""

import numpy as np
import pytest

from attn_unet.slicing.intensity_range import (
    CT_PRIOR,
    channel_range,
    far_reason,
    ranges_or_prior,
    scan_percentiles,
)


def ct_volume(seed: int, shape=(40, 40, 12)) -> np.ndarray:
    """Air around a soft-tissue body with some bone: a CT in HU."""
    rng = np.random.default_rng(seed)
    volume = np.full(shape, -1000.0) + rng.normal(0, 10, shape)
    volume[8:32, 8:32] = rng.normal(40, 30, (24, 24, shape[2]))
    volume[18:22, 18:22] = 900 + rng.normal(0, 50, (4, 4, shape[2]))
    return volume


@pytest.fixture(scope='module')
def trained():
    return channel_range('CT', [scan_percentiles(ct_volume(seed)) for seed in range(4)])


def test_a_ct_like_the_training_ones_is_not_far(trained):
    assert far_reason(scan_percentiles(ct_volume(9)), trained) is None


@pytest.mark.parametrize(
    'change, reason',
    [
        (lambda v: v + 1024, 'the low percentile'),  # HU offset by 1024 (air at 0)
        (lambda v: np.clip(v + 1000, 0, None) * 0.8, 'the low percentile'),  # MR-like, no air < 0
        (lambda v: (v - v.mean()) / v.std(), 'the low percentile'),  # normalised already
        (lambda v: v / 20 - 1000, 'the high percentile'),  # air kept, the body squeezed
        (lambda v: v * 8, 'the low percentile'),
    ],
    ids=['offset_1024', 'mr_like', 'normalised', 'squeezed', 'scaled'],
)
def test_scans_that_are_not_ct_in_hu_are_far(trained, change, reason):
    assert far_reason(scan_percentiles(change(ct_volume(9))), trained) == reason


def test_percentiles_skip_non_finite_voxels_and_sample_large_volumes():
    volume = ct_volume(1)
    holed = volume.copy()
    holed[0, 0, :3] = np.nan
    assert scan_percentiles(holed) == pytest.approx(scan_percentiles(volume), abs=5)
    big = np.linspace(0, 1, 3_000_000)
    assert scan_percentiles(big) == pytest.approx((0.005, 0.995), abs=1e-3)


def test_old_records_fall_back_to_the_hu_scale_for_ct_only():
    ranges = ranges_or_prior(None, ['CT', 'T2'], [True, False])
    assert ranges[0]['low'] == CT_PRIOR['low'] and ranges[1] is None
    recorded = [dict(channel='T2', low=[0, 1], high=[500, 900])]
    assert ranges_or_prior(recorded, ['T2'], [False]) == recorded
    assert far_reason((-1024.0, 1200.0), ranges[0]) is None
    assert far_reason((0.0, 2224.0), ranges[0]) == 'the low percentile'
