"""case_statistics: per-class volume and intensity, held to numbers computed here directly."""

import numpy as np
import pytest
from scipy import ndimage

from attn_unet.apis.cohort import case_statistics, voxel_volume_ml

CLASSES = ['background', 'liver', 'spleen', 'kidney']


def _ball(shape, centre, radius_mm, spacing):
    """A boolean ellipsoid of ``radius_mm`` around ``centre`` (voxels) on an anisotropic grid."""
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing='ij')
    distance2 = sum(((g - c) * s) ** 2 for g, c, s in zip(grids, centre, spacing))
    return distance2 <= radius_mm**2


@pytest.fixture
def case():
    """A (40, 36, 12) volume of 0.7 x 0.8 x 5 mm: two balls and a box, a noisy CT-like image."""
    spacing = (0.7, 0.8, 5.0)
    shape = (40, 36, 12)
    labels = np.zeros(shape, np.uint8)
    labels[_ball(shape, (12, 12, 5), 8.0, spacing)] = 1
    labels[_ball(shape, (28, 24, 6), 6.0, spacing)] = 2
    labels[30:38, 2:6, 0:3] = 1  # a second piece of liver
    rng = np.random.default_rng(3)
    image = rng.normal(0, 40, shape).astype(np.float32) + 60 * labels
    return labels, image, spacing


def test_volumes_and_intensities_match_a_direct_computation(case):
    labels, image, spacing = case
    record = case_statistics(labels, image, spacing, CLASSES, unit='HU')

    voxel_mm3 = 0.7 * 0.8 * 5.0
    assert record['voxel_volume_ml'] == pytest.approx(voxel_mm3 / 1000)
    assert record['intensity_unit'] == 'HU'
    assert list(record['classes']) == ['liver', 'spleen', 'kidney']  # background left out
    for class_id, name in ((1, 'liver'), (2, 'spleen')):
        mask = labels == class_id
        count = int(ndimage.sum(mask, labels=mask.astype(int), index=1))
        values = image[mask].astype(np.float64)
        stats = record['classes'][name]
        assert stats['voxels'] == count > 0
        assert stats['volume_ml'] == pytest.approx(count * voxel_mm3 / 1000, rel=1e-12)
        direct_mean = ndimage.mean(image.astype(np.float64), labels, class_id)
        assert stats['mean'] == pytest.approx(direct_mean, rel=1e-9)
        assert stats['median'] == pytest.approx(ndimage.median(image, labels, class_id))
        assert stats['std'] == pytest.approx(values.std(ddof=0), rel=1e-9)
        assert stats['non_finite'] == 0


def test_anisotropic_spacing_scales_the_volume_not_the_count(case):
    labels, image, _ = case
    thin = case_statistics(labels, image, (1.0, 1.0, 1.0), CLASSES)
    thick = case_statistics(labels, image, (1.0, 1.0, 5.0), CLASSES)
    for name in ('liver', 'spleen'):
        assert thin['classes'][name]['voxels'] == thick['classes'][name]['voxels']
        assert thick['classes'][name]['volume_ml'] == pytest.approx(
            5 * thin['classes'][name]['volume_ml']
        )


def test_a_ball_of_known_size_measures_its_volume():
    """A 20 mm ball sampled at 0.5 x 0.5 x 1 mm: 4/3 pi r^3 = 33.51 ml, to 1%."""
    spacing = (0.5, 0.5, 1.0)
    shape = (100, 100, 50)
    labels = _ball(shape, (50, 50, 25), 20.0, spacing).astype(np.int16)
    record = case_statistics(labels, np.zeros(shape), spacing, ['background', 'ball'])
    assert record['classes']['ball']['volume_ml'] == pytest.approx(
        4 / 3 * np.pi * 20.0**3 / 1000, rel=0.01
    )


def test_an_absent_class_has_no_intensity_and_zero_volume(case):
    labels, image, spacing = case
    kidney = case_statistics(labels, image, spacing, CLASSES)['classes']['kidney']
    assert kidney == dict(voxels=0, volume_ml=0.0, mean=None, median=None, std=None, non_finite=0)


def test_non_finite_voxels_are_counted_and_left_out(case):
    labels, image, spacing = case
    image = image.copy()
    liver = np.argwhere(labels == 1)
    image[tuple(liver[0])] = np.nan
    image[tuple(liver[1])] = np.inf
    stats = case_statistics(labels, image, spacing, CLASSES)['classes']['liver']
    finite = image[(labels == 1) & np.isfinite(image)].astype(np.float64)
    assert stats['non_finite'] == 2
    assert stats['voxels'] == len(liver)  # the volume still counts them
    assert stats['mean'] == pytest.approx(finite.mean(), rel=1e-9)
    assert stats['median'] == pytest.approx(np.median(finite))


def test_background_none_measures_every_class(case):
    labels, image, spacing = case
    record = case_statistics(labels, image, spacing, CLASSES, background=None)
    assert list(record['classes']) == CLASSES
    assert sum(c['voxels'] for c in record['classes'].values()) == labels.size


@pytest.mark.parametrize(
    'labels, image, spacing, match',
    [
        (np.zeros((4, 4, 4), int), np.zeros((4, 4, 5)), (1, 1, 1), 'one shape'),
        (np.zeros((4, 4), int), np.zeros((4, 4)), (1, 1, 1), '3D'),
        (np.zeros((4, 4, 4)), np.zeros((4, 4, 4)), (1, 1, 1), 'integer'),
        (np.full((4, 4, 4), 4), np.zeros((4, 4, 4)), (1, 1, 1), 'ids 4..4'),
        (np.full((4, 4, 4), -1), np.zeros((4, 4, 4)), (1, 1, 1), 'ids -1..-1'),
        (np.zeros((4, 4, 4), int), np.zeros((4, 4, 4)), (1, 0, 1), 'spacing'),
        (np.zeros((4, 4, 4), int), np.zeros((4, 4, 4)), (1, 1), 'spacing'),
        (np.zeros((4, 4, 4), int), np.zeros((4, 4, 4)), (1, np.nan, 1), 'spacing'),
    ],
)
def test_bad_input_is_refused(labels, image, spacing, match):
    with pytest.raises(ValueError, match=match):
        case_statistics(labels, image, spacing, CLASSES)


def test_voxel_volume_ml():
    assert voxel_volume_ml((0.8, 0.8, 2.5)) == pytest.approx(0.0016)


def test_any_axis_order_gives_the_same_numbers(case):
    """Axis order is free: a transposed view, with the spacing permuted alike, measures alike."""
    labels, image, spacing = case
    direct = case_statistics(labels, image, spacing, CLASSES)
    order = (2, 0, 1)
    view = case_statistics(
        labels.transpose(order), image.transpose(order), [spacing[a] for a in order], CLASSES
    )
    for name in ('liver', 'spleen'):
        for measure, value in direct['classes'][name].items():
            assert view['classes'][name][measure] == pytest.approx(value, rel=1e-12)
