"""The two shapes organs are painted with: irregular ellipsoids and tubes along polylines."""

import numpy as np

from .canvas import Canvas
from .scan import ABDOMEN_LENGTH_MM

__all__ = ['paint_blob', 'paint_tube']


def paint_blob(
    c: Canvas,
    rng,
    centre,
    t_range,
    radii,
    hu,
    label,
    drift=(0, 0),
    angle=0.0,
    smooth=False,
    seed_shape=None,
) -> None:
    """Paint an irregular ellipsoid.

    Args:
        c: The canvas to paint on.
        rng: Draws the boundary wobble (unless ``seed_shape`` is given).
        centre: ``(x, y, _)`` in mm at mid height.
        t_range: ``(top, bottom)`` in t; the cross-section swells from zero at
            each end to ``radii`` in the middle.
        radii: ``(along x, along y)`` mm before rotation by ``angle`` radians.
        hu: Hounsfield units inside.
        label: BTCV id inside; None leaves the labels as they are.
        drift: How far ``(x, y)`` mm the centre moves from top to bottom.
        smooth: No boundary wobble (bone, muscle).
        seed_shape: Draw the wobble from this fixed seed, so two calls (a wall
            and its contents) share one shape.
    """
    top, bottom = t_range
    mid, half = (top + bottom) / 2, max((bottom - top) / 2, 1e-3)
    shape_rng = np.random.default_rng(seed_shape) if seed_shape is not None else rng
    amplitudes = shape_rng.uniform(0.0, 0.0 if smooth else 0.08, 3)
    phases = shape_rng.uniform(0, 2 * np.pi, 3)
    in_range = np.flatnonzero(np.abs(c.t[:, 0, 0] - mid) <= half)
    if in_range.size == 0:
        return
    z = slice(in_range[0], in_range[-1] + 1)
    along = (c.t[z] - mid) / half
    profile = np.sqrt(np.clip(1.0 - along**4, 0.0, 1.0))
    reach = 1.25 * max(radii) + max(abs(drift[0]), abs(drift[1]))
    ys, xs = c.y[0, :, 0], c.x[0, 0, :]
    y_lo, y_hi = np.searchsorted(ys, [centre[1] - reach, centre[1] + reach])
    x_lo, x_hi = np.searchsorted(xs, [centre[0] - reach, centre[0] + reach])
    window = (z, slice(y_lo, y_hi), slice(x_lo, x_hi))
    dx = c.x[:, :, window[2]] - (centre[0] + drift[0] * along)
    dy = c.y[:, window[1], :] - (centre[1] + drift[1] * along)
    cos, sin = np.cos(angle), np.sin(angle)
    u, v = (dx * cos + dy * sin) / radii[0], (-dx * sin + dy * cos) / radii[1]
    rho = np.hypot(u, v)
    wobble = 1.0
    if not smooth:
        theta = np.arctan2(v, u)
        wobble = 1.0 + sum(
            a * np.cos(k * theta + p) for k, a, p in zip((2, 3, 4), amplitudes, phases)
        )
    inside = np.zeros(c.hu.shape, bool)
    inside[window] = rho < wobble * profile
    c.paint(inside, hu, label)


def paint_tube(c: Canvas, points, radius, hu, label=None, lobulated=None) -> None:
    """Paint a tube of ``radius`` mm (one value, or one per point) along a polyline.

    Args:
        c: The canvas to paint on.
        points: ``[(x, y, t), ...]`` control points.
        radius: One radius in mm, or one per point (interpolated between them).
        hu: Hounsfield units inside.
        label: BTCV id inside; None leaves the labels as they are.
        lobulated: A generator to add fatty clefts inside (the pancreas'
            lobulated texture); None paints solid.
    """
    points = np.asarray(points, float)
    radii = np.broadcast_to(np.asarray(radius, float), (len(points),))
    samples = []
    for (a, ra), (b, rb) in zip(zip(points[:-1], radii[:-1]), zip(points[1:], radii[1:])):
        span_mm = np.hypot(np.hypot(*(b[:2] - a[:2])), (b[2] - a[2]) * ABDOMEN_LENGTH_MM)
        steps = max(int(span_mm / (0.5 * min(ra, rb))) + 1, 2)
        for s in np.linspace(0.0, 1.0, steps, endpoint=False):
            samples.append((*(a + s * (b - a)), ra + s * (rb - ra)))
    samples.append((*points[-1], radii[-1]))
    inside = np.zeros(c.hu.shape, bool)
    ys, xs, zs = c.y[0, :, 0], c.x[0, 0, :], c.t[:, 0, 0] * ABDOMEN_LENGTH_MM
    for x, y, t, r in samples:
        z_lo, z_hi = np.searchsorted(zs, [t * ABDOMEN_LENGTH_MM - r, t * ABDOMEN_LENGTH_MM + r])
        y_lo, y_hi = np.searchsorted(ys, [y - r, y + r])
        x_lo, x_hi = np.searchsorted(xs, [x - r, x + r])
        if z_lo >= z_hi or y_lo >= y_hi or x_lo >= x_hi:
            continue
        dz = zs[z_lo:z_hi, None, None] - t * ABDOMEN_LENGTH_MM
        dy = ys[None, y_lo:y_hi, None] - y
        dx = xs[None, None, x_lo:x_hi] - x
        inside[z_lo:z_hi, y_lo:y_hi, x_lo:x_hi] |= dx**2 + dy**2 + dz**2 < r**2
    c.paint(inside, hu, label)
    if lobulated is not None:
        clefts = (lobulated.random(inside.shape) < 0.04) & inside
        c.hu[_dilate(clefts) & inside] -= 60.0  # fat between lobules; the label stays pancreas


def _dilate(mask: np.ndarray) -> np.ndarray:
    from scipy.ndimage import binary_dilation

    return binary_dilation(mask, structure=np.ones((1, 2, 2), bool))
