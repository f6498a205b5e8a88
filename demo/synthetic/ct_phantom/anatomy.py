"""The random anatomy of one abdominal CT case, painted organ group by organ group.

Organs are ellipsoids and tubes with case-to-case jitter in position, size,
shape and enhancement. The pancreas is built to be hard for the same reason it
is hard in real CT: it is small and thin, its enhancement matches the bowel
loops (some of them collapsed, i.e. solid like it) and the duodenum that wraps
its head, so a network must find it by where it lies -- behind the stomach,
in front of the splenic vein, between the duodenum and the spleen hilum.

Every random choice of a case comes from one generator, in the order the
``paint_*`` methods are called (:func:`~.render.render_ct_case` fixes it), so
reordering the draws changes every case of a given seed.
"""

import numpy as np

from .canvas import Canvas
from .scan import FAT_HU, PARENCHYMA_HU
from .shapes import paint_blob, paint_tube

__all__ = ['Anatomy']


class Anatomy:
    """The random anatomy of one case, in mm from the body centre and t in [0, 1]
    (0: top of the liver dome, 1: below the kidneys).

    Paint in the order body, bowel, organs, vessels, skeleton: later parts cover
    earlier ones, and :meth:`paint_vessels` lays the splenic vein along the
    pancreas that :meth:`paint_organs` placed.

    Args:
        rng: Draws every choice of the anatomy, in painting order.
        pancreas_scale: Multiplies the pancreas thickness.
    """

    def __init__(self, rng: np.random.Generator, pancreas_scale: float):
        self.rng = rng
        self.pancreas_scale = pancreas_scale
        self.shift = rng.normal(0.0, 5.0, 2)  # organs move together a little
        self.body = (rng.uniform(135, 160), rng.uniform(100, 120))
        self.tissue_hu = PARENCHYMA_HU + rng.normal(0.0, 6.0)

    def jitter(self, mm: float) -> float:
        return float(self.rng.normal(0.0, mm))

    def paint_body(self, c: Canvas) -> None:
        half_x, half_y = self.body
        radius = np.hypot(c.x / half_x, c.y / half_y) + 0 * c.t
        c.paint(radius < 1.0, FAT_HU + self.jitter(4))
        c.paint((radius < 0.93) & (radius > 0.86), 45 + self.jitter(5))  # abdominal wall muscle
        c.paint(radius < 0.86, FAT_HU + 5 + self.jitter(4))

    def paint_bowel(self, c: Canvas, loops: int) -> None:
        """Bowel loops in the lower abdomen: a wall enhancing like the pancreas
        around fluid, gas or nothing (collapsed, then solid like the pancreas)."""
        half_x, half_y = self.body
        for _ in range(loops):
            t0 = self.rng.uniform(0.45, 1.0)
            start = (self.rng.uniform(-0.6, 0.6) * half_x, self.rng.uniform(-0.7, 0.15) * half_y)
            points = [(*start, t0)]
            for _ in range(3):
                px, py, pt = points[-1]
                points.append(
                    (
                        float(np.clip(px + self.jitter(22), -0.7 * half_x, 0.7 * half_x)),
                        float(np.clip(py + self.jitter(15), -0.75 * half_y, 0.3 * half_y)),
                        float(np.clip(pt + self.jitter(0.06), 0.4, 1.0)),
                    )
                )
            radius = self.rng.uniform(7, 12)
            wall = self.tissue_hu + self.jitter(6)
            paint_tube(c, points, radius, wall)
            content = self.rng.choice(['collapsed', 'fluid', 'gas'], p=[0.45, 0.35, 0.2])
            if content != 'collapsed':
                hu = 15.0 if content == 'fluid' else -800.0
                paint_tube(c, points, radius - 3.0, hu + self.jitter(5))

    def paint_organs(self, c: Canvas) -> None:
        sx, sy = self.shift
        j = self.jitter
        hu = {
            'liver': 105 + j(8),
            'spleen': 115 + j(8),
            'kidney': 165 + j(12),
            'adrenal': 55 + j(6),
            'stomach_wall': 70 + j(6),
        }
        liver_half = self.rng.uniform(0.6, 0.72)
        paint_blob(
            c,
            self.rng,
            (-68 + sx + j(5), 0 + sy, 0.0),
            (0.0, liver_half + 0.05),
            (60 + j(5), 75 + j(6)),
            hu['liver'],
            6,
            drift=(-22, 12),
            angle=j(0.2),
        )
        paint_blob(
            c,
            self.rng,
            (5 + sx + j(5), -45 + sy + j(4), 0.0),
            (0.0, 0.35 + j(0.04)),
            (45 + j(5), 24 + j(3)),
            hu['liver'],
            6,
            drift=(-15, 5),
        )
        paint_blob(
            c,
            self.rng,
            (78 + sx + j(4), 42 + sy + j(4), 0.25),
            (0.05, 0.5 + j(0.04)),
            (22 + j(2), 42 + j(4)),
            hu['spleen'],
            1,
            angle=0.6 + j(0.15),
        )
        right_top, left_top = 0.45 + j(0.03), 0.4 + j(0.03)
        paint_blob(
            c,
            self.rng,
            (-62 + sx + j(4), 50 + sy + j(3), 0.0),
            (right_top, right_top + 0.45),
            (24 + j(2), 30 + j(2)),
            hu['kidney'],
            2,
            angle=-0.5 + j(0.1),
            drift=(-5, 0),
        )
        paint_blob(
            c,
            self.rng,
            (62 + sx + j(4), 48 + sy + j(3), 0.0),
            (left_top, left_top + 0.45),
            (24 + j(2), 30 + j(2)),
            hu['kidney'],
            3,
            angle=0.5 + j(0.1),
            drift=(5, 0),
        )
        paint_blob(
            c,
            self.rng,
            (-38 + sx, 28 + sy, 0.0),
            (right_top - 0.14, right_top - 0.01),
            (10, 3.5),
            hu['adrenal'],
            12,
            angle=-0.9,
        )
        paint_blob(
            c,
            self.rng,
            (38 + sx, 26 + sy, 0.0),
            (left_top - 0.15, left_top - 0.01),
            (10, 3.5),
            hu['adrenal'],
            13,
            angle=0.9,
        )
        stomach = (
            (45 + sx + j(5), -38 + sy + j(4), 0.0),
            (0.08, 0.52 + j(0.04)),
            (38 + j(4), 27 + j(3)),
        )
        paint_blob(c, self.rng, *stomach, hu['stomach_wall'], 7, drift=(-15, 5), seed_shape=7)
        inner = stomach[2][0] - 5, stomach[2][1] - 5
        paint_blob(
            c,
            self.rng,
            stomach[0],
            stomach[1],
            inner,
            15 + j(5),
            None,
            drift=(-15, 5),
            seed_shape=7,
        )
        gas = (stomach[0][0], stomach[0][1] - 12, 0.0)
        paint_blob(c, self.rng, gas, (0.08, 0.3), (18, 8), -850, None)
        paint_blob(
            c,
            self.rng,
            (-35 + sx + j(4), -52 + sy + j(4), 0.0),
            (0.42 + j(0.03), 0.66),
            (13 + j(2), 11 + j(2)),
            12 + j(5),
            4,
        )
        self._paint_pancreas(c)

    def _paint_pancreas(self, c: Canvas) -> None:
        """Head in the duodenal C-loop, body behind the stomach, tail at the spleen
        hilum; the splenic vein runs along its back, the duodenum round its head."""
        sx, sy = self.shift
        j = self.jitter
        tail_rise = self.rng.uniform(0.06, 0.14)
        head_t = 0.56 + j(0.02)
        self.centerline = [
            (-30 + sx + j(3), 2 + sy + j(3), head_t + 0.02),
            (-8 + sx + j(3), -4 + sy + j(3), head_t - 0.02),
            (22 + sx + j(4), 2 + sy + j(4), head_t - tail_rise * 0.6),
            (52 + sx + j(4), 22 + sy + j(4), head_t - tail_rise),
        ]
        scale = self.pancreas_scale * self.rng.uniform(0.85, 1.15)
        radii = [13 * scale, 9 * scale, 8 * scale, 7 * scale]
        (hx, hy, ht), *_ = self.centerline
        duodenum = [
            (hx + 8, hy - 26, ht - 0.06),
            (hx - 20, hy - 12, ht - 0.02),
            (hx - 22, hy + 14, ht + 0.04),
            (hx + 2, hy + 24, ht + 0.09),
            (hx + 30, hy + 20, ht + 0.12),
        ]
        wall = self.tissue_hu + j(5)
        paint_tube(c, duodenum, 10.0, wall)
        if self.rng.random() < 0.6:  # fluid-filled; else collapsed and solid like the pancreas
            paint_tube(c, duodenum, 6.5, 20 + j(5))
        paint_tube(c, self.centerline, radii, self.tissue_hu + j(4), label=11, lobulated=self.rng)

    def paint_vessels(self, c: Canvas) -> None:
        sx, sy = self.shift
        j = self.jitter
        arterial, venous = 175 + j(12), 150 + j(10)
        paint_tube(
            c,
            [(12 + sx, 22 + sy, -0.05), (10 + sx + j(2), 24 + sy, 1.05)],
            11 + j(1),
            arterial,
            label=8,
        )
        paint_tube(
            c,
            [(-22 + sx, 16 + sy, -0.05), (-20 + sx + j(2), 22 + sy, 1.05)],
            [12 + j(1), 10],
            125 + j(8),
            label=9,
        )
        paint_tube(
            c,
            [(2 + sx, 26 + sy, -0.05), (6 + sx, 24 + sy, 0.1), (20 + sx, -8 + sy, 0.16)],
            7,
            50 + j(5),
            label=5,
        )
        # splenic vein on the pancreas' posterior surface, then the portal vein to the liver
        head, neck, body, tail = self.centerline
        behind = 9.0 * self.pancreas_scale
        confluence = (neck[0] - 3, neck[1] + behind, neck[2] + 0.01)
        splenic = [
            (tail[0] + 12, tail[1] + 10, tail[2] - 0.01),
            (tail[0], tail[1] + behind, tail[2]),
            (body[0], body[1] + behind, body[2]),
            confluence,
        ]
        paint_tube(c, splenic, 4.5, venous, label=10)
        portal = [
            confluence,
            (confluence[0] - 18, confluence[1] - 10, confluence[2] - 0.08),
            (-45 + sx, -12 + sy, confluence[2] - 0.16),
        ]
        paint_tube(c, portal, 6.0, venous, label=10)
        # superior mesenteric vein and artery run down from there (unlabelled in BTCV)
        paint_tube(c, [confluence, (confluence[0] + 2, confluence[1] - 6, 1.05)], 5.0, venous)
        paint_tube(c, [(12 + sx, 18 + sy, head[2] - 0.08), (14 + sx, 0 + sy, 1.05)], 3.5, arterial)

    def paint_skeleton(self, c: Canvas) -> None:
        sx, sy = self.shift
        bone = 450 + self.jitter(40)
        paint_blob(c, self.rng, (0, 56 + sy, 0.0), (-0.2, 1.2), (20, 17), bone, None, smooth=True)
        paint_blob(c, self.rng, (0, 56 + sy, 0.0), (-0.2, 1.2), (16, 13), 220, None, smooth=True)
        paint_blob(c, self.rng, (0, 80 + sy, 0.0), (-0.2, 1.2), (8, 7), 15, None, smooth=True)
        paint_blob(c, self.rng, (0, 98 + sy, 0.0), (-0.2, 1.2), (5, 10), bone, None, smooth=True)
        for side in (-1, 1):
            paint_blob(
                c, self.rng, (side * 36, 86 + sy, 0.0), (-0.2, 1.2), (20, 15), 50, None, smooth=True
            )
        half_x, half_y = self.body
        for angle in np.linspace(0.35, np.pi - 0.35, 7):  # ribs around the upper abdomen
            for side in (-1, 1):
                centre = (
                    side * np.cos(angle) * half_x * 0.9 + sx,
                    -np.sin(angle) * half_y * 0.9,
                    0.0,
                )
                paint_blob(c, self.rng, centre, (-0.1, 0.45), (5, 4), bone, None, smooth=True)
