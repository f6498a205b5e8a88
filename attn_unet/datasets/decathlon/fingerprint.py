"""The training set's fingerprint: every case read once, before any slice is written.

In the manner of nnU-Net's fingerprint extraction: per case its stored shape and voxel
order, its spacing along the world axes (left-right, posterior-anterior, inferior-superior:
``'LPS'`` order), its label's class voxel counts, and per channel up to 10,000 foreground
voxels (label > 0) drawn at random without replacement (seeded; every one of a smaller
foreground) plus the case's own mean and std. (nnU-Net v2 draws 10^8 foreground voxels in
all, the same number from every case, with replacement.) Pooled over the cases they give
the CT window and z-score (:mod:`.planner`). Reading the labels here is also where a label
value ``dataset.json`` does not name, or a non-integer value, is refused: before anything
is written.
"""

import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List

import numpy as np

from attn_unet.slicing.intensity_range import scan_percentiles
from attn_unet.volumes import VoxelOrder, fill_non_finite, voxel_spacing

from .case_headers import CaseGeometry
from .raw_set import DecathlonConvertError, RawCase, RawSet

__all__ = [
    'FOREGROUND_SAMPLES',
    'CaseFingerprint',
    'fingerprint_case',
    'read_channels',
    'read_label',
    'summarise',
]

FOREGROUND_SAMPLES = 10_000  # per case and channel, without replacement
WORLD_ORDER = 'LPS'


@dataclass
class CaseFingerprint:
    """What one training case contributes to the fingerprint.

    Attributes:
        case_id: The case.
        shape: Stored ``(X, Y, Z)``.
        axcodes: Stored voxel order.
        spacing: mm along left-right, posterior-anterior, inferior-superior.
        shape_lps: Voxels along the same three axes.
        class_voxels: ``{label value: voxels}``.
        foreground: Per channel, sampled foreground intensities (float32).
        means, stds: Per channel, the case's own mean and std over all voxels.
        percentiles: Per channel, the case's 0.5th and 99.5th percentile over all voxels
            (:func:`attn_unet.slicing.intensity_range.scan_percentiles`).
    """

    case_id: str
    shape: tuple
    axcodes: str
    spacing: tuple
    shape_lps: tuple
    class_voxels: Dict[int, int]
    foreground: List[np.ndarray] = field(default_factory=list)
    means: List[float] = field(default_factory=list)
    stds: List[float] = field(default_factory=list)
    percentiles: List[tuple] = field(default_factory=list)


def read_channels(geometry: CaseGeometry) -> np.ndarray:
    """The case's channel volumes ``(C, X, Y, Z)`` float32, scaled as the header says; NaN and
    infinite voxels (allowed, or the checks would have refused them) read as each channel's
    fill (:func:`attn_unet.volumes.fill_non_finite`)."""
    images = geometry.images
    channels = images.read(np.float32)
    if images.non_finite:
        fill_non_finite(channels, images.modalities)
    return channels


def read_label(case: RawCase, geometry: CaseGeometry, raw: RawSet) -> np.ndarray:
    """The case's label ``(X, Y, Z)`` as whole numbers, every value one ``dataset.json`` names.

    Raises:
        DecathlonConvertError: a non-integer value, or a value the labels do not name.
    """
    data = geometry.label.read(None)
    values = np.unique(data)
    fractional = values[values != np.round(values)] if values.dtype.kind == 'f' else values[:0]
    if fractional.size:
        raise DecathlonConvertError(
            f'case {case.case_id}: label {osp.basename(case.label)} holds {fractional[0]:g}, '
            'not a whole number: labels hold one integer value per class (re-export it '
            'without interpolation)'
        )
    unknown = [int(v) for v in values if int(v) not in raw.labels]
    if unknown:
        named = ', '.join(f'{v} {n}' for v, n in raw.labels.items())
        raise DecathlonConvertError(
            f'case {case.case_id}: label {osp.basename(case.label)} holds value {unknown[0]}, '
            f'which dataset.json does not name ({named}): add it to "labels", or relabel the case'
        )
    return data.astype(np.int64)


def fingerprint_case(
    case: RawCase, geometry: CaseGeometry, raw: RawSet, seed: int = 0
) -> CaseFingerprint:
    """Read one case (label first, so a bad value stops before the images are read)."""
    label = read_label(case, geometry, raw)
    values, counts = np.unique(label, return_counts=True)
    channels = read_channels(geometry)
    foreground = np.flatnonzero(label.reshape(-1) != 0)
    rng = np.random.default_rng([seed, *case.case_id.encode()])
    if foreground.size > FOREGROUND_SAMPLES:
        foreground = rng.choice(foreground, FOREGROUND_SAMPLES, replace=False)
    flat = channels.reshape(len(channels), -1)
    world = VoxelOrder.of(geometry.affine, WORLD_ORDER)
    return CaseFingerprint(
        case_id=case.case_id,
        shape=geometry.shape,
        axcodes=geometry.axcodes,
        spacing=tuple(float(s) for s in world.along_target(voxel_spacing(geometry.affine))),
        shape_lps=tuple(int(s) for s in world.along_target(geometry.shape)),
        class_voxels={int(v): int(n) for v, n in zip(values, counts)},
        foreground=[flat[c, foreground].astype(np.float32) for c in range(len(channels))],
        means=[float(flat[c].mean()) for c in range(len(channels))],
        stds=[float(flat[c].std()) for c in range(len(channels))],
        percentiles=[scan_percentiles(flat[c]) for c in range(len(channels))],
    )


def summarise(raw: RawSet, cases: List[CaseFingerprint]) -> dict:
    """The fingerprint of the training set (JSON types), as ``conversion.json`` records it.

    Raises:
        DecathlonConvertError: no training case holds a labelled (non-zero) voxel.
    """
    spacing = np.array([c.spacing for c in cases])
    shapes = np.array([c.shape_lps for c in cases])
    total = {v: sum(c.class_voxels.get(v, 0) for c in cases) for v in raw.labels}
    labelled = sum(n for v, n in total.items() if v != 0)
    if labelled == 0:
        raise DecathlonConvertError(
            f'no training case in {raw.root} holds a labelled voxel (every label is 0): '
            'check the labels (a segmentation set needs foreground)'
        )
    orientations: Dict[str, int] = {}
    for c in cases:
        orientations[c.axcodes] = orientations.get(c.axcodes, 0) + 1
    return dict(
        cases=len(cases),
        spacing_lps_mm=dict(
            median=_floats(np.median(spacing, axis=0)),
            min=_floats(spacing.min(axis=0)),
            max=_floats(spacing.max(axis=0)),
        ),
        shape_lps=dict(
            median=_floats(np.median(shapes, axis=0)),
            min=shapes.min(axis=0).tolist(),
            max=shapes.max(axis=0).tolist(),
        ),
        stored_orientations=orientations,
        intensity=[
            _intensity(name, [c.foreground[i] for c in cases], cases, i)
            for i, name in enumerate(raw.channels)
        ],
        class_voxels={
            raw.labels[v]: dict(
                voxels=int(n),
                fraction_of_labelled=n / labelled if v else None,
                cases=sum(1 for c in cases if c.class_voxels.get(v, 0)),
            )
            for v, n in total.items()
        },
        per_case={
            c.case_id: dict(
                shape=list(c.shape), orientation=c.axcodes, spacing_lps_mm=list(c.spacing)
            )
            for c in cases
        },
    )


def _intensity(name: str, samples: List[np.ndarray], cases, channel: int) -> dict:
    pooled = np.concatenate(samples).astype(np.float64)
    return dict(
        channel=name,
        foreground_samples=int(pooled.size),
        foreground_mean=float(pooled.mean()),
        foreground_std=float(pooled.std()),
        foreground_percentile_00_5=float(np.percentile(pooled, 0.5)),
        foreground_percentile_99_5=float(np.percentile(pooled, 99.5)),
        foreground_min=float(pooled.min()),
        foreground_max=float(pooled.max()),
        case_means=dict(
            min=min(c.means[channel] for c in cases), max=max(c.means[channel] for c in cases)
        ),
        case_stds=dict(
            min=min(c.stds[channel] for c in cases), max=max(c.stds[channel] for c in cases)
        ),
    )


def _floats(values) -> list:
    return [float(v) for v in values]
