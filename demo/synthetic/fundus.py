"""Synthetic fundus photographs in the layout of DRIVE's original release.

DRIVE (Staal et al. 2004) ships ``training.zip`` and ``test.zip``; mmseg's converter
(``tools/dataset_converters/drive.py``) reads from them ``{split}/images/*.tif`` (RGB
photographs), ``{split}/1st_manual/*_manual1.gif`` (vessel annotations, read through
``cv2.VideoCapture`` and thresholded at 128) and ignores ``{split}/mask/*_mask.gif`` (the
field-of-view masks). This module writes the same files: a seeded, branching vessel tree
whose width runs from about 8 pixels at the optic disc down to 1 pixel, drawn dark on an
orange-red retina inside a circular field of view, under uneven illumination and noise.
Thin vessels get less contrast than thick ones, as in real photographs.
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

__all__ = ['DRIVE_SPLITS', 'FundusSample', 'generate_fundus', 'render_fundus']

# split -> (zip name, first image number, file stem suffix), as in the real release:
# training images are 21..40 (``21_training.tif``), test images 01..20 (``01_test.tif``).
DRIVE_SPLITS = {'training': ('training.zip', 21, 'training'), 'test': ('test.zip', 1, 'test')}
DRIVE_SIZE = (584, 565)  # (height, width) of a DRIVE photograph
MAX_VESSEL_WIDTH = 8.0
MIN_VESSEL_WIDTH = 1.0


@dataclass
class FundusSample:
    """One synthetic photograph and its annotations.

    Attributes:
        image: ``(H, W, 3)`` uint8 RGB photograph, black outside the field of view.
        vessels: ``(H, W)`` uint8 annotation, 255 on vessels (inside the field of view), else 0.
        fov: ``(H, W)`` uint8 field-of-view mask, 255 inside.
    """

    image: np.ndarray
    vessels: np.ndarray
    fov: np.ndarray


def render_fundus(rng: np.random.Generator, height: int, width: int) -> FundusSample:
    """Draw one fundus-like photograph.

    Args:
        rng: Source of every random choice (seed it for a reproducible image).
        height: Image height in pixels.
        width: Image width in pixels.

    Returns:
        The photograph with its vessel annotation and field-of-view mask.
    """
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    centre = np.array([height / 2, width / 2], dtype=np.float32)
    radius = 0.47 * min(height, width)
    fov = (yy - centre[0]) ** 2 + (xx - centre[1]) ** 2 <= radius**2

    side = rng.choice([-1.0, 1.0])
    disc = centre + np.array([rng.uniform(-0.08, 0.08), side * rng.uniform(0.25, 0.35)]) * (
        2 * radius
    )
    widths = np.zeros((height, width), dtype=np.float32)
    scale = min(height, width) / min(DRIVE_SIZE)
    for angle in _trunk_angles(rng, side):
        _grow_vessel(rng, widths, disc, angle, MAX_VESSEL_WIDTH * rng.uniform(0.8, 1.0), scale)
    vessels = (widths > 0) & fov

    image = _background(rng, yy, xx, centre, radius, disc)
    contrast = np.clip(0.2 + 0.07 * widths, 0.2, 0.7)  # thin vessels are fainter
    darkening = cv2.GaussianBlur(np.where(widths > 0, contrast, 0).astype(np.float32), (0, 0), 0.6)
    image *= 1 - darkening[..., None] * np.array([0.45, 1.0, 0.8], dtype=np.float32)
    image += rng.normal(0, rng.uniform(3, 7), image.shape).astype(np.float32)
    image[~fov] = 0
    return FundusSample(
        image=np.clip(image, 0, 255).astype(np.uint8),
        vessels=vessels.astype(np.uint8) * 255,
        fov=fov.astype(np.uint8) * 255,
    )


def generate_fundus(
    out_dir,
    num_train: int = 20,
    num_test: int = 20,
    height: int = DRIVE_SIZE[0],
    width: int = DRIVE_SIZE[1],
    seed: int = 0,
) -> dict[str, Path]:
    """Write ``training.zip`` and ``test.zip`` in DRIVE's release layout.

    Each zip holds ``{split}/images/NN_{split}.tif``, ``{split}/1st_manual/NN_manual1.gif``
    and ``{split}/mask/NN_{split}_mask.gif`` (``split`` is ``training`` or ``test``).

    Args:
        out_dir: Folder for the two zips (created if absent).
        num_train: Training images (DRIVE has 20).
        num_test: Test images (DRIVE has 20).
        height: Image height (DRIVE: 584).
        width: Image width (DRIVE: 565).
        seed: Seed of the whole set; the same seed writes the same images.

    Returns:
        ``{'training': path of training.zip, 'test': path of test.zip}``.

    Raises:
        ValueError: A count is below 1 or the size below 32 pixels.
    """
    if min(num_train, num_test) < 1:
        raise ValueError(f'need at least 1 image per split, got {num_train} and {num_test}')
    if min(height, width) < 32:
        raise ValueError(f'images must be at least 32x32 pixels, got {height}x{width}')
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {'training': num_train, 'test': num_test}
    streams = np.random.SeedSequence(seed).spawn(2)
    zips = {}
    for (split, (zip_name, first, stem)), stream in zip(DRIVE_SPLITS.items(), streams):
        rngs = [np.random.default_rng(s) for s in stream.spawn(counts[split])]
        zips[split] = out_dir / zip_name
        with zipfile.ZipFile(zips[split], 'w', zipfile.ZIP_DEFLATED) as archive:
            for number, rng in enumerate(rngs, start=first):
                sample = render_fundus(rng, height, width)
                files = {
                    f'images/{number:02d}_{stem}.tif': _tif(sample.image),
                    f'1st_manual/{number:02d}_manual1.gif': _gif(sample.vessels),
                    f'mask/{number:02d}_{stem}_mask.gif': _gif(sample.fov),
                }
                for name, data in files.items():
                    archive.writestr(f'{split}/{name}', data)
    return zips


def _trunk_angles(rng: np.random.Generator, side: float) -> list[float]:
    """Directions (radians, 0 = +x) of the vessels leaving the optic disc.

    Two arcades sweep towards the fovea (up and down, then across); two or three smaller
    trunks head to the nasal side.
    """
    towards_fovea = 0.0 if side < 0 else np.pi
    away = np.pi - towards_fovea
    angles = [towards_fovea + s * rng.uniform(0.9, 1.3) for s in (-1, 1)]
    angles += [away + rng.uniform(-1.2, 1.2) for _ in range(rng.integers(2, 4))]
    return angles


def _grow_vessel(rng, widths, start, angle, width, scale, depth=0) -> None:
    """Walk one vessel from ``start``, thinning, bending and branching, into ``widths``.

    ``widths`` (H, W) keeps the widest vessel drawn over each pixel; 0 is background.
    """
    height, width_px = widths.shape
    point = np.asarray(start, dtype=np.float64)
    step = 3.0 * max(scale, 0.35)
    curvature = rng.normal(0, 0.03)
    next_branch = rng.uniform(25, 60) * scale
    travelled = 0.0
    while width >= MIN_VESSEL_WIDTH and depth < 8:
        angle += curvature + rng.normal(0, 0.08)
        curvature = 0.9 * curvature + rng.normal(0, 0.01)
        new = point + step * np.array([np.sin(angle), np.cos(angle)])
        if not (0 <= new[0] < height and 0 <= new[1] < width_px):
            return
        _draw_segment(widths, point, new, width)
        point, travelled = new, travelled + step
        width *= 1 - rng.uniform(0.002, 0.01) / max(scale, 0.35)
        if travelled >= next_branch:
            child = width * rng.uniform(0.45, 0.8)
            width = max(width * rng.uniform(0.8, 0.95), child)
            turn = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.1)
            _grow_vessel(rng, widths, point, angle + turn, child, scale, depth + 1)
            travelled, next_branch = 0.0, rng.uniform(25, 70) * scale


def _draw_segment(widths: np.ndarray, start, end, width: float) -> None:
    """Draw a segment ``width`` pixels wide (rounded, at least 1) into ``widths``."""
    canvas = np.zeros(widths.shape, dtype=np.uint8)
    thickness = max(1, int(round(width)))
    points = [(int(round(p[1])), int(round(p[0]))) for p in (start, end)]
    cv2.line(canvas, points[0], points[1], 1, thickness=thickness, lineType=cv2.LINE_8)
    np.maximum(widths, canvas * np.float32(width), out=widths)


def _background(rng, yy, xx, centre, radius, disc) -> np.ndarray:
    """``(H, W, 3)`` float RGB retina: orange-red, vignetted, unevenly lit, with disc and fovea."""
    base = np.array(
        [rng.uniform(170, 220), rng.uniform(70, 105), rng.uniform(25, 50)], dtype=np.float32
    )
    r = np.sqrt((yy - centre[0]) ** 2 + (xx - centre[1]) ** 2) / radius
    vignette = 1 - 0.35 * np.clip(r, 0, 1) ** 2
    tilt = rng.uniform(-0.25, 0.25, size=2)
    light = 1 + tilt[0] * (yy - centre[0]) / radius + tilt[1] * (xx - centre[1]) / radius
    blotches = cv2.GaussianBlur(rng.normal(0, 1, yy.shape).astype(np.float32), (0, 0), radius / 6)
    blotches *= 0.15 / max(float(np.abs(blotches).max()), 1e-6)
    image = base * (vignette * light * (1 + blotches))[..., None]
    disc_radius = 0.09 * radius
    disc_d2 = ((yy - disc[0]) ** 2 + (xx - disc[1]) ** 2) / disc_radius**2
    image += np.exp(-disc_d2 * 1.5)[..., None] * np.array([60, 90, 60], dtype=np.float32)
    fovea = centre + (centre - disc) * np.array([0.0, 0.15])
    fovea_d2 = ((yy - fovea[0]) ** 2 + (xx - fovea[1]) ** 2) / (0.12 * radius) ** 2
    image *= 1 - 0.25 * np.exp(-fovea_d2)[..., None]
    return image


def _tif(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb, mode='RGB').save(buffer, format='TIFF')
    return buffer.getvalue()


def _gif(gray: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(gray, mode='L').save(buffer, format='GIF')
    return buffer.getvalue()
