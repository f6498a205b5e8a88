"""Random street scenes drawn from Cityscapes-style polygons.

A scene is a flat road running to a vanishing point, sidewalks and optional
terrain beside it, building facades or hedges along both sides, a band of far
trees at the horizon, and upright things standing on the ground (trees, poles
with traffic signs or lights, persons, cars), drawn far to near so nearer
objects cover farther ones, as in the Cityscapes polygon files.

Ground geometry: a pinhole camera at ``CAMERA_HEIGHT`` metres over flat ground.
A ground point at lateral offset ``X`` metres and inverse-depth parameter ``s``
(``s = 1`` on the bottom image row, ``s -> 0`` at the horizon) lands at pixel
``(vx + s * ppm * X, horizon + s * ppm * CAMERA_HEIGHT)``, and a point ``Y``
metres above it ``s * ppm * Y`` pixels higher.
"""

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

__all__ = ['CAMERA_HEIGHT', 'render_street_image', 'sample_street_scene']

CAMERA_HEIGHT = 1.5  # metres
_FAR_GROUND = 4.0  # s beyond the bottom row, so ground triangles cover the whole lower image


@dataclass
class _View:
    """Where the ground plane lands in an image of ``height`` x ``width`` pixels."""

    height: int
    width: int
    horizon: float
    vx: float

    @property
    def ppm(self) -> float:
        """Pixels per metre on the bottom image row (s = 1)."""
        return (self.height - self.horizon) / CAMERA_HEIGHT

    def point(self, s: float, x: float, y: float = 0.0) -> tuple[float, float]:
        """Pixel of the point ``x`` m lateral, ``y`` m up, at inverse depth ``s``."""
        return (self.vx + s * self.ppm * x, self.horizon + s * self.ppm * (CAMERA_HEIGHT - y))


def sample_street_scene(rng: np.random.Generator, height: int, width: int) -> list[dict]:
    """Sample the polygons of one street scene.

    Args:
        rng: Source of randomness; the scene is a pure function of its state.
        height: Image height in pixels.
        width: Image width in pixels.

    Returns:
        Cityscapes objects ``[{'label': name, 'polygon': [[x, y], ...]}, ...]`` in
        drawing order (later objects cover earlier ones), integer pixel
        coordinates clipped to the image.
    """
    view = _View(height, width, rng.uniform(0.38, 0.5) * height, rng.uniform(0.38, 0.62) * width)
    road = rng.uniform(3.0, 5.5)
    walk = road + rng.uniform(2.0, 4.0)
    terrain = walk + (rng.uniform(1.0, 4.0) if rng.random() < 0.5 else 0.0)
    objects = [('sky', [(0, 0), (width, 0), (width, height), (0, height)])]
    objects += _far_trees(rng, view)
    for side in (-1, 1):
        objects += _facades(rng, view, side * (terrain + rng.uniform(0.0, 4.0)))
        if terrain > walk:
            objects.append(('terrain', _ground_strip(view, side * walk, side * terrain)))
        objects.append(('sidewalk', _ground_strip(view, side * road, side * walk)))
    objects.append(('road', _ground_strip(view, -road, road)))
    objects += _upright_things(rng, view, road, walk, terrain)
    if rng.random() < 0.5:
        objects.append(('ego vehicle', _ego_vehicle(rng, view)))
    scene = []
    for label, polygon in objects:
        clipped = _clip(polygon, width - 1, height - 1)
        if len(clipped) >= 3:
            scene.append({'label': label, 'polygon': clipped})
    return scene


def render_street_image(
    scene: list[dict], rng: np.random.Generator, height: int, width: int
) -> np.ndarray:
    """Paint an RGB photo-like image of a scene from :func:`sample_street_scene`.

    Every object gets a colour drawn around its class's palette, then class
    textures (windows, foliage, paving), a random exposure and
    sensor noise are added, so classes overlap in colour and must be told apart
    by shape, texture and place.

    Args:
        scene: Objects in drawing order.
        rng: Source of randomness.
        height: Image height in pixels.
        width: Image width in pixels.

    Returns:
        uint8 image ``(height, width, 3)`` in RGB order.
    """
    index = Image.new('I', (width, height), 0)
    draw = ImageDraw.Draw(index)
    for i, obj in enumerate(scene, start=1):
        draw.polygon([tuple(p) for p in obj['polygon']], fill=i)
    index = np.asarray(index, dtype=np.int64)
    labels = np.array([''] + [obj['label'] for obj in scene], dtype=object)
    colours = np.array([(0.0, 0.0, 0.0)] + [_object_colour(rng, obj['label']) for obj in scene])
    img = colours[index].astype(np.float32)
    cls = labels[index]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)

    blotch = _smooth_noise(rng, height, width, cell=max(2, width // 96))
    fine = rng.normal(0.0, 1.0, (height, width)).astype(np.float32)
    period = max(4, width // int(rng.integers(24, 48)))
    windows = ((xx % period) < 0.55 * period) & ((yy % period) < 0.5 * period)
    tiles = ((xx % period) < 1) | ((yy % max(3, period // 2)) < 1)
    texture = {
        'building': np.where(windows, -rng.uniform(25, 60), 0.0) + 6 * fine,
        'vegetation': 40 * blotch + 18 * fine,
        'terrain': 18 * blotch + 10 * fine,
        'sidewalk': np.where(tiles, -20.0, 0.0) + 5 * fine,
        'road': 6 * fine + 8 * blotch,
        'sky': 30 * (yy / height) + 6 * blotch,
    }
    for name, value in texture.items():
        mask = cls == name
        img[mask] += value[mask][:, None] if np.ndim(value) else value

    img *= rng.uniform(0.7, 1.2) * rng.uniform(0.9, 1.1, size=3)
    img = cv2.GaussianBlur(img, (3, 3), 0.7)
    img += rng.normal(0.0, rng.uniform(3, 9), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def _ground_strip(view: _View, x0: float, x1: float) -> list[tuple[float, float]]:
    """Ground band between lateral offsets ``x0`` and ``x1`` from horizon to foreground."""
    return [(view.vx, view.horizon), view.point(_FAR_GROUND, x0), view.point(_FAR_GROUND, x1)]


def _far_trees(rng: np.random.Generator, view: _View) -> list:
    n = int(rng.integers(6, 14))
    xs = np.linspace(0, view.width, n)
    tops = view.horizon - rng.uniform(0.01, 0.09, n) * view.height
    outline = [(view.width, view.horizon + 1), (0, view.horizon + 1)] + list(zip(xs, tops))
    return [('vegetation', outline)] if rng.random() < 0.8 else []


def _facades(rng: np.random.Generator, view: _View, x: float) -> list:
    """Building fronts (and the odd hedge) standing on the line ``x`` m to the side."""
    edges = np.concatenate([[0.02], np.sort(np.exp(rng.uniform(-3.5, 0.3, 5))), [_FAR_GROUND]])
    facades = []
    for s0, s1 in zip(edges[:-1], edges[1:]):
        if rng.random() < 0.15:
            label, top = 'vegetation', rng.uniform(2.0, 5.0)
        else:
            label, top = 'building', rng.uniform(5.0, 16.0)
        facades.append(
            (
                label,
                [
                    view.point(s0, x),
                    view.point(s1, x),
                    view.point(s1, x, top),
                    view.point(s0, x, top),
                ],
            )
        )
    return facades


def _upright_things(
    rng: np.random.Generator, view: _View, road: float, walk: float, terrain: float
):
    """Trees, poles with signs or lights, persons and cars, sorted far to near."""
    things = []  # (s, [(label, polygon), ...])
    for _ in range(int(rng.integers(0, 4))):
        s, x = rng.uniform(0.08, 0.5), rng.choice([-1, 1]) * rng.uniform(walk - 0.8, terrain + 0.2)
        things.append((s, _tree(rng, view, s, x)))
    for _ in range(int(rng.integers(1, 5))):
        s, x = rng.uniform(0.08, 0.6), rng.choice([-1, 1]) * (road + rng.uniform(0.3, 0.8))
        things.append((s, _pole(rng, view, s, x)))
    for _ in range(int(rng.integers(1, 6))):
        s, x = rng.uniform(0.1, 0.6), rng.choice([-1, 1]) * rng.uniform(road + 0.4, walk - 0.3)
        things.append((s, [('person', _person(rng, view, s, x))]))
    for _ in range(int(rng.integers(1, 6))):
        s = rng.uniform(0.08, 0.5)
        if rng.random() < 0.5:
            x, parked = rng.choice([-1, 1]) * (road - 1.2), True
        else:
            x, parked = rng.uniform(-road + 1.0, road - 1.0), False
        things.append((s, [('car', _car(rng, view, s, x, parked))]))
    things.sort(key=lambda item: item[0])
    return [part for _, parts in things for part in parts]


def _tree(rng: np.random.Generator, view: _View, s: float, x: float) -> list:
    half, trunk_h, radius = rng.uniform(0.12, 0.25), rng.uniform(1.5, 3.0), rng.uniform(1.2, 3.0)
    trunk = _box(view, s, x, half, 0.0, trunk_h + radius)
    centre = view.point(s, x, trunk_h + radius)
    r_px = s * view.ppm * radius
    angles = np.linspace(0, 2 * math.pi, 14, endpoint=False)
    wobble = rng.uniform(0.75, 1.15, angles.size)
    crown = [
        (centre[0] + r_px * w * math.cos(a), centre[1] - 0.9 * r_px * w * math.sin(a))
        for a, w in zip(angles, wobble)
    ]
    return [('vegetation', trunk), ('vegetation', crown)]


def _pole(rng: np.random.Generator, view: _View, s: float, x: float) -> list:
    height = rng.uniform(3.5, 8.0)
    parts = [('pole', _box(view, s, x, rng.uniform(0.08, 0.14), 0.0, height, min_px=1.0))]
    kind = rng.choice(['sign', 'light', 'bare'], p=[0.5, 0.35, 0.15])
    if kind == 'sign':
        size, at = rng.uniform(0.5, 0.9), rng.uniform(2.3, height - 0.2)
        parts.append(('traffic sign', _sign(rng, view, s, x, size, at)))
    elif kind == 'light':
        parts.append(('traffic light', _box(view, s, x, 0.2, height - 1.0, height, min_px=1.5)))
    return parts


def _sign(rng, view: _View, s: float, x: float, size: float, at: float) -> list:
    cx, cy = view.point(s, x, at)
    r = max(1.5, 0.5 * s * view.ppm * size)
    shape = rng.choice(['circle', 'triangle', 'square'])
    if shape == 'circle':
        return [
            (cx + r * math.cos(a), cy + r * math.sin(a))
            for a in np.linspace(0, 2 * math.pi, 12, endpoint=False)
        ]
    if shape == 'triangle':
        return [(cx - r, cy - 0.8 * r), (cx + r, cy - 0.8 * r), (cx, cy + r)]
    return [(cx - r, cy - r), (cx + r, cy - r), (cx + r, cy + r), (cx - r, cy + r)]


def _person(rng: np.random.Generator, view: _View, s: float, x: float) -> list:
    """A standing silhouette: legs apart, torso, shoulders and a head, ~1.6-1.9 m tall."""
    h = rng.uniform(1.6, 1.9)
    stride = rng.uniform(0.05, 0.25)
    pts_m = [
        (-0.12 - stride, 0.0),
        (-0.02, 0.0),
        (0.0, 0.45 * h),
        (0.02, 0.0),
        (0.12 + stride, 0.0),
        (0.17, 0.5 * h),
        (0.24, 0.78 * h),
        (0.1, 0.84 * h),
        (0.11, 0.97 * h),
        (0.0, h),
        (-0.11, 0.97 * h),
        (-0.1, 0.84 * h),
        (-0.24, 0.78 * h),
        (-0.17, 0.5 * h),
    ]
    return [view.point(s, x + dx, dy) for dx, dy in pts_m]


def _car(rng: np.random.Generator, view: _View, s: float, x: float, parked: bool) -> list:
    """Rear view of a car, or side view when parked along the kerb."""
    h = rng.uniform(1.4, 1.6)
    half = rng.uniform(2.0, 2.4) if parked else rng.uniform(0.85, 0.95)
    roof = 0.45 if parked else 0.75
    pts_m = [
        (-half, 0.1),
        (half, 0.1),
        (half, 0.5 * h),
        (0.95 * half, 0.62 * h),
        (roof * half, h),
        (-roof * half, h),
        (-0.95 * half, 0.62 * h),
        (-half, 0.5 * h),
    ]
    return [view.point(s, x + dx, dy) for dx, dy in pts_m]


def _ego_vehicle(rng: np.random.Generator, view: _View) -> list:
    """The hood of the recording car along the bottom edge, as in Cityscapes."""
    h, w = view.height, view.width
    rise = rng.uniform(0.04, 0.1) * h
    xs = np.linspace(0, w, 9)
    bulge = rise * (1.0 - 0.5 * ((xs - w / 2) / (w / 2)) ** 2)
    return [(0, h)] + [(xi, h - 1 - b) for xi, b in zip(xs, bulge)] + [(w, h)]


def _box(view: _View, s: float, x: float, half: float, y0: float, y1: float, min_px: float = 0.0):
    """Upright rectangle ``2 * half`` m wide from ``y0`` to ``y1`` m above the ground at (s, x)."""
    left, bottom = view.point(s, x - half, y0)
    right, top = view.point(s, x + half, y1)
    grow = max(0.0, (min_px - (right - left)) / 2)
    return [(left - grow, bottom), (right + grow, bottom), (right + grow, top), (left - grow, top)]


_PALETTES = {  # label: (base RGB, per-object spread)
    'sky': ((150, 185, 225), 35),
    'building': ((140, 125, 115), 55),
    'vegetation': ((80, 120, 55), 30),
    'terrain': ((135, 150, 90), 30),
    'sidewalk': ((165, 155, 155), 25),
    'road': ((95, 92, 98), 18),
    'pole': ((120, 120, 125), 35),
    'traffic sign': ((170, 120, 70), 90),
    'traffic light': ((55, 55, 45), 25),
    'person': ((90, 75, 80), 60),
    'car': ((120, 110, 115), 95),
    'ego vehicle': ((40, 40, 45), 15),
}


def _object_colour(rng: np.random.Generator, label: str) -> np.ndarray:
    base, spread = _PALETTES[label]
    return np.asarray(base, dtype=np.float64) + rng.uniform(-spread, spread, 3)


def _smooth_noise(rng: np.random.Generator, height: int, width: int, cell: int) -> np.ndarray:
    """Unit-scale noise, smooth over ``cell`` pixels, ``(height, width)`` float32."""
    coarse = rng.normal(0.0, 1.0, (height // cell + 2, width // cell + 2)).astype(np.float32)
    return cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)


def _clip(polygon, xmax: float, ymax: float) -> list[list[int]]:
    """Clip a polygon to the box [0, xmax] x [0, ymax] (Sutherland-Hodgman), round to ints."""
    pts = [(float(x), float(y)) for x, y in polygon]
    for axis, bound, keep_below in (
        (0, 0.0, False),
        (0, xmax, True),
        (1, 0.0, False),
        (1, ymax, True),
    ):

        def inside(p, axis=axis, bound=bound, keep_below=keep_below):
            return p[axis] <= bound if keep_below else p[axis] >= bound

        out = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur) != inside(prev):
                t = (bound - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if inside(cur):
                out.append(cur)
        pts = out
        if not pts:
            return []
    rounded = [[int(round(x)), int(round(y))] for x, y in pts]
    return [p for i, p in enumerate(rounded) if p != rounded[i - 1]]
