"""Abdominal CT phantoms in the raw layout of the Synapse (BTCV) multi-organ set.

The real set (Multi-Atlas Labeling Beyond the Cranial Vault, synapse.org) needs
a registration; these phantoms let the whole Synapse path (mmseg's converter,
the per-volume metric, training and the attention maps) run anywhere. Each case
is a contrast-enhanced abdomen in Hounsfield units on a NIfTI grid with a real
voxel spacing, labelled with the 13 original BTCV organ ids (:data:`BTCV_LABELS`).

Organs are ellipsoids and tubes with case-to-case jitter in position, size,
shape and enhancement. The pancreas is built to be hard for the same reason it
is hard in real CT: it is small and thin, its enhancement matches the bowel
loops (some of them collapsed, i.e. solid like it) and the duodenum that wraps
its head, so a network must find it by where it lies -- behind the stomach,
in front of the splenic vein, between the duodenum and the spleen hilum.

Raw layout written (what ``mmseg/.mim/tools/dataset_converters/synapse.py`` reads)::

    OUT/img/img0005.nii.gz     int16 HU, array (X, Y, Z)
    OUT/label/label0005.nii.gz uint8 BTCV ids 0..13, same shape and affine
    OUT/train.txt, OUT/val.txt one ``img0005.nii.gz`` line per case
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    'BTCV_LABELS',
    'SYNAPSE_TEST_IDS',
    'SYNAPSE_TRAIN_IDS',
    'generate_ct_phantom',
    'render_ct_case',
]

BTCV_LABELS = {
    1: 'spleen',
    2: 'right_kidney',
    3: 'left_kidney',
    4: 'gallbladder',
    5: 'esophagus',
    6: 'liver',
    7: 'stomach',
    8: 'aorta',
    9: 'inferior_vena_cava',
    10: 'portal_and_splenic_vein',
    11: 'pancreas',
    12: 'right_adrenal_gland',
    13: 'left_adrenal_gland',
}
# The split of TransUNet / Swin-Unet (18 training and 12 test volumes).
SYNAPSE_TRAIN_IDS = (5, 6, 7, 9, 10, 21, 23, 24, 26, 27, 28, 30, 31, 33, 34, 37, 39, 40)
SYNAPSE_TEST_IDS = (1, 2, 3, 4, 8, 22, 25, 29, 32, 35, 36, 38)

FIELD_OF_VIEW_MM = 360.0
ABDOMEN_LENGTH_MM = 190.0
AIR_HU = -1000.0
FAT_HU = -95.0
# Enhancement shared by the pancreas and the bowel wall (portal venous phase):
# the look-alikes have the pancreas' mean HU, so intensity alone cannot find it.
PARENCHYMA_HU = 95.0


@dataclass
class _Canvas:
    """One case being painted: HU and label volumes in display frame (Z, rows, cols).

    Rows run anterior -> posterior, columns patient right -> left (radiological
    view), slice 0 is the most superior. ``y``/``x`` hold each pixel's position
    in mm from the body centre (posterior and patient-left positive).
    """

    hu: np.ndarray
    label: np.ndarray
    t: np.ndarray
    y: np.ndarray
    x: np.ndarray
    spacing: float
    slice_mm: float

    def paint(self, mask: np.ndarray, hu: float, label: int | None = None) -> None:
        self.hu[mask] = hu
        if label is not None:
            self.label[mask] = label


def render_ct_case(
    rng: np.random.Generator,
    size: tuple[int, int] = (256, 256),
    slices: int = 48,
    pancreas_scale: float = 1.0,
    bowel_loops: int = 24,
    noise_hu: float = 14.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Render one abdominal CT case.

    Args:
        rng: Source of every random choice of the case.
        size: In-plane ``(H, W)`` in voxels; the field of view stays 360 mm, so
            the spacing is ``360 / W`` mm.
        slices: Number of axial slices over 190 mm of abdomen.
        pancreas_scale: Multiplies the pancreas thickness (1: head about 26 mm,
            body and tail about 16 mm across).
        bowel_loops: Bowel loops of pancreas-like enhancement to scatter.
        noise_hu: Standard deviation of the image noise.

    Returns:
        ``(hu, label, affine)``: ``hu (X, Y, Z)`` int16 Hounsfield units,
        ``label (X, Y, Z)`` uint8 BTCV ids, ``affine (4, 4)`` voxel -> RAS mm.
    """
    height, width = size
    spacing = FIELD_OF_VIEW_MM / width
    slice_mm = ABDOMEN_LENGTH_MM / slices
    rows = (np.arange(height) - (height - 1) / 2) * spacing
    cols = (np.arange(width) - (width - 1) / 2) * spacing
    canvas = _Canvas(
        hu=np.full((slices, height, width), AIR_HU, np.float32),
        label=np.zeros((slices, height, width), np.uint8),
        t=np.linspace(0.0, 1.0, slices)[:, None, None],
        y=rows[None, :, None],
        x=cols[None, None, :],
        spacing=spacing,
        slice_mm=slice_mm,
    )
    anatomy = _Anatomy(rng, pancreas_scale)
    anatomy.paint_body(canvas)
    anatomy.paint_bowel(canvas, bowel_loops)
    anatomy.paint_organs(canvas)
    anatomy.paint_vessels(canvas)
    anatomy.paint_skeleton(canvas)

    hu = _blur(canvas.hu, sigma=0.6)  # partial volume at edges
    hu += rng.normal(0.0, noise_hu, hu.shape).astype(np.float32)
    # display frame (Z, rows, cols) -> NIfTI array (X=rows, Y=cols reversed, Z inferior->superior)
    to_nifti = (1, 2, 0)
    hu = np.flip(np.transpose(hu, to_nifti), axis=(1, 2))
    label = np.flip(np.transpose(canvas.label, to_nifti), axis=(1, 2))
    affine = np.array(
        [
            [0.0, spacing, 0.0, -(width - 1) / 2 * spacing],
            [-spacing, 0.0, 0.0, (height - 1) / 2 * spacing],
            [0.0, 0.0, slice_mm, -(slices - 1) * slice_mm],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    return np.round(hu).clip(-1024, 3071).astype(np.int16), label.copy(), affine


def generate_ct_phantom(
    out_dir,
    num_train: int = 8,
    num_val: int = 4,
    slices: int = 48,
    size: tuple[int, int] = (256, 256),
    seed: int = 0,
    progress: bool = True,
    **render_kwargs,
) -> Path:
    """Write a phantom Synapse set in the raw BTCV layout.

    Case ids follow the standard split (training 0005, 0006, ...; test 0001,
    0002, ...); beyond its 18 / 12 cases they continue from 0041. Each case is
    drawn from its own generator seeded by ``(seed, case id)``, so a case does
    not change when the number of cases does.

    Args:
        out_dir: Folder to create (``img/``, ``label/``, ``train.txt``, ``val.txt``).
        num_train: Training cases (listed in ``train.txt``).
        num_val: Test cases (listed in ``val.txt``, the converter's ``img_dir/val``).
        slices: Axial slices per case.
        size: In-plane ``(H, W)``.
        seed: Base seed.
        progress: Show a progress bar.
        **render_kwargs: Passed to :func:`render_ct_case`.

    Returns:
        ``out_dir`` as a Path.

    Raises:
        ValueError: A count, size or slice number out of range.
    """
    import nibabel as nib
    from tqdm import tqdm

    if num_train < 1 or num_val < 1:
        raise ValueError(f'need at least 1 train and 1 val case, got {num_train} and {num_val}')
    if slices < 2 or min(size) < 32:
        raise ValueError(f'need >= 2 slices of >= 32x32 voxels, got {slices} of {size}')
    train_ids, val_ids = _case_ids(num_train, num_val)
    out = Path(out_dir)
    (out / 'img').mkdir(parents=True, exist_ok=True)
    (out / 'label').mkdir(exist_ok=True)
    cases = [*train_ids, *val_ids]
    for case in tqdm(cases, desc='phantom cases', disable=not progress, leave=False):
        rng = np.random.default_rng([seed, case])
        hu, label, affine = render_ct_case(rng, size, slices, **render_kwargs)
        for array, name in ((hu, f'img/img{case:04d}'), (label, f'label/label{case:04d}')):
            image = nib.Nifti1Image(array, affine)
            image.header.set_xyzt_units('mm')
            nib.save(image, out / f'{name}.nii.gz')
    for split, ids in (('train', train_ids), ('val', val_ids)):
        (out / f'{split}.txt').write_text(''.join(f'img{case:04d}.nii.gz\n' for case in ids))
    return out


def _case_ids(num_train: int, num_val: int) -> tuple[list[int], list[int]]:
    extra = iter(range(41, 10000))
    train = [*SYNAPSE_TRAIN_IDS[:num_train]]
    train += [next(extra) for _ in range(num_train - len(train))]
    val = [*SYNAPSE_TEST_IDS[:num_val]]
    val += [next(extra) for _ in range(num_val - len(val))]
    return train, val


class _Anatomy:
    """The random anatomy of one case, in mm from the body centre and t in [0, 1]
    (0: top of the liver dome, 1: below the kidneys)."""

    def __init__(self, rng: np.random.Generator, pancreas_scale: float):
        self.rng = rng
        self.pancreas_scale = pancreas_scale
        self.shift = rng.normal(0.0, 5.0, 2)  # organs move together a little
        self.body = (rng.uniform(135, 160), rng.uniform(100, 120))
        self.tissue_hu = PARENCHYMA_HU + rng.normal(0.0, 6.0)

    def jitter(self, mm: float) -> float:
        return float(self.rng.normal(0.0, mm))

    def paint_body(self, c: _Canvas) -> None:
        half_x, half_y = self.body
        radius = np.hypot(c.x / half_x, c.y / half_y) + 0 * c.t
        c.paint(radius < 1.0, FAT_HU + self.jitter(4))
        c.paint((radius < 0.93) & (radius > 0.86), 45 + self.jitter(5))  # abdominal wall muscle
        c.paint(radius < 0.86, FAT_HU + 5 + self.jitter(4))

    def paint_bowel(self, c: _Canvas, loops: int) -> None:
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
            _tube(c, points, radius, wall)
            content = self.rng.choice(['collapsed', 'fluid', 'gas'], p=[0.45, 0.35, 0.2])
            if content != 'collapsed':
                hu = 15.0 if content == 'fluid' else -800.0
                _tube(c, points, radius - 3.0, hu + self.jitter(5))

    def paint_organs(self, c: _Canvas) -> None:
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
        _blob(
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
        _blob(
            c,
            self.rng,
            (5 + sx + j(5), -45 + sy + j(4), 0.0),
            (0.0, 0.35 + j(0.04)),
            (45 + j(5), 24 + j(3)),
            hu['liver'],
            6,
            drift=(-15, 5),
        )
        _blob(
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
        _blob(
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
        _blob(
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
        _blob(
            c,
            self.rng,
            (-38 + sx, 28 + sy, 0.0),
            (right_top - 0.14, right_top - 0.01),
            (10, 3.5),
            hu['adrenal'],
            12,
            angle=-0.9,
        )
        _blob(
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
        _blob(c, self.rng, *stomach, hu['stomach_wall'], 7, drift=(-15, 5), seed_shape=7)
        inner = stomach[2][0] - 5, stomach[2][1] - 5
        _blob(
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
        _blob(c, self.rng, gas, (0.08, 0.3), (18, 8), -850, None)
        _blob(
            c,
            self.rng,
            (-35 + sx + j(4), -52 + sy + j(4), 0.0),
            (0.42 + j(0.03), 0.66),
            (13 + j(2), 11 + j(2)),
            12 + j(5),
            4,
        )
        self._paint_pancreas(c)

    def _paint_pancreas(self, c: _Canvas) -> None:
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
        _tube(c, duodenum, 10.0, wall)
        if self.rng.random() < 0.6:  # fluid-filled; else collapsed and solid like the pancreas
            _tube(c, duodenum, 6.5, 20 + j(5))
        _tube(c, self.centerline, radii, self.tissue_hu + j(4), label=11, lobulated=self.rng)

    def paint_vessels(self, c: _Canvas) -> None:
        sx, sy = self.shift
        j = self.jitter
        arterial, venous = 175 + j(12), 150 + j(10)
        _tube(
            c,
            [(12 + sx, 22 + sy, -0.05), (10 + sx + j(2), 24 + sy, 1.05)],
            11 + j(1),
            arterial,
            label=8,
        )
        _tube(
            c,
            [(-22 + sx, 16 + sy, -0.05), (-20 + sx + j(2), 22 + sy, 1.05)],
            [12 + j(1), 10],
            125 + j(8),
            label=9,
        )
        _tube(
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
        _tube(c, splenic, 4.5, venous, label=10)
        portal = [
            confluence,
            (confluence[0] - 18, confluence[1] - 10, confluence[2] - 0.08),
            (-45 + sx, -12 + sy, confluence[2] - 0.16),
        ]
        _tube(c, portal, 6.0, venous, label=10)
        # superior mesenteric vein and artery run down from there (unlabelled in BTCV)
        _tube(c, [confluence, (confluence[0] + 2, confluence[1] - 6, 1.05)], 5.0, venous)
        _tube(c, [(12 + sx, 18 + sy, head[2] - 0.08), (14 + sx, 0 + sy, 1.05)], 3.5, arterial)

    def paint_skeleton(self, c: _Canvas) -> None:
        sx, sy = self.shift
        bone = 450 + self.jitter(40)
        _blob(c, self.rng, (0, 56 + sy, 0.0), (-0.2, 1.2), (20, 17), bone, None, smooth=True)
        _blob(c, self.rng, (0, 56 + sy, 0.0), (-0.2, 1.2), (16, 13), 220, None, smooth=True)
        _blob(c, self.rng, (0, 80 + sy, 0.0), (-0.2, 1.2), (8, 7), 15, None, smooth=True)
        _blob(c, self.rng, (0, 98 + sy, 0.0), (-0.2, 1.2), (5, 10), bone, None, smooth=True)
        for side in (-1, 1):
            _blob(
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
                _blob(c, self.rng, centre, (-0.1, 0.45), (5, 4), bone, None, smooth=True)


def _blob(
    c: _Canvas,
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
        centre: ``(x, y, _)`` in mm at mid height.
        t_range: ``(top, bottom)`` in t; the cross-section swells from zero at
            each end to ``radii`` in the middle.
        radii: ``(along x, along y)`` mm before rotation by ``angle`` radians.
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


def _tube(c: _Canvas, points, radius, hu, label=None, lobulated=None) -> None:
    """Paint a tube of ``radius`` mm (one value, or one per point) along a polyline.

    Args:
        points: ``[(x, y, t), ...]`` control points.
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


def _blur(volume: np.ndarray, sigma: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(volume, sigma=(0.0, sigma, sigma))
