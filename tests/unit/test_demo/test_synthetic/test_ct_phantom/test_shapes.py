import numpy as np
import pytest

from demo.synthetic.ct_phantom.canvas import Canvas
from demo.synthetic.ct_phantom.scan import ABDOMEN_LENGTH_MM
from demo.synthetic.ct_phantom.shapes import paint_blob, paint_tube

SLICES, SIZE, SPACING = 8, 33, 2.0  # 33 voxels: a voxel centre sits at 0 mm


def blank_canvas() -> Canvas:
    """An all-zero ``(8, 33, 33)`` canvas of 2 mm voxels."""
    mm = (np.arange(SIZE) - (SIZE - 1) / 2) * SPACING
    return Canvas(
        hu=np.zeros((SLICES, SIZE, SIZE), np.float32),
        label=np.zeros((SLICES, SIZE, SIZE), np.uint8),
        t=np.linspace(0.0, 1.0, SLICES)[:, None, None],
        y=mm[None, :, None],
        x=mm[None, None, :],
        spacing=SPACING,
        slice_mm=ABDOMEN_LENGTH_MM / (SLICES - 1),
    )


@pytest.mark.parametrize('label', [8, None])
def test_tube_paints_within_its_radius_along_the_segment(label):
    c = blank_canvas()
    t = 3 / (SLICES - 1)  # on slice 3
    paint_tube(c, [(-20.0, 0.0, t), (20.0, 0.0, t)], 5.0, 100.0, label=label)
    painted = c.hu == 100.0
    z, y, x = np.nonzero(painted)
    assert set(z) == {3}
    along = np.clip(c.x[0, 0, x], -20.0, 20.0)
    assert np.all(np.hypot(c.x[0, 0, x] - along, c.y[0, y, 0]) < 5.0)  # inside the capsule
    assert painted[3, SIZE // 2, SIZE // 2 - 10 : SIZE // 2 + 11].all()  # the whole axis
    np.testing.assert_array_equal(c.label, painted * 8 if label else 0)


def test_blob_with_a_shape_seed_ignores_the_generator():
    masks = []
    for rng_seed in (0, 1):
        c = blank_canvas()
        rng = np.random.default_rng(rng_seed)
        paint_blob(c, rng, (0.0, 0.0, 0.0), (0.2, 0.8), (20.0, 12.0), 50.0, 7, seed_shape=7)
        masks.append(c.label == 7)
        assert rng.random() == np.random.default_rng(rng_seed).random()  # nothing drawn
    assert masks[0].any() and np.array_equal(*masks)


def test_smooth_blob_is_an_ellipse_swelling_to_its_radii_mid_height():
    c, rng = blank_canvas(), np.random.default_rng(0)
    paint_blob(c, rng, (0.0, 0.0, 0.0), (0.0, 1.0), (20.0, 12.0), 50.0, 1, smooth=True)
    middle = c.label[SLICES // 2 - 1] == 1  # t = 3/7, close to mid height
    assert np.array_equal(middle, middle[::-1]) and np.array_equal(middle, middle[:, ::-1])
    rows, cols = np.nonzero(middle)
    assert np.ptp(c.x[0, 0, cols]) > np.ptp(c.y[0, rows, 0])  # wider along x, as radii say
    assert not c.label[0].any() and not c.label[-1].any()  # zero cross-section at the ends
