"""The slice plan and the training sizes fitted to a fingerprint, each with the reason for it.

- **View.** Slices are cut across the world axis with the coarsest median spacing (an
  anisotropic CT of 0.8 x 0.8 x 2.5 mm is sliced axially, each slice at full in-plane
  resolution); within 10 % of the axial spacing the view stays axial, the plane scans are
  read in. ``view`` overrides it.
- **Channels.** A channel named CT (``dataset.json``) is clipped to the 0.5 and 99.5
  percentiles of the training foreground and z-scored with its mean and std: nnU-Net's
  ``CTNormalization``, since Hounsfield units mean the same in every scan. Any other
  modality (MRI has no absolute scale) is z-scored per volume; a channel named ``noNorm``
  is kept as it is.
- **Labels.** Every ``dataset.json`` label is a class, but nnU-Net's ``ignore``
  (:attr:`~.raw_set.RawSet.ignore_value`): its voxels are read as 255, outside the loss and
  the metric, and no class is trained or predicted for it.
- **Mirroring.** Both slice axes, as nnU-Net mirrors 2D patches, but the patient's
  left-right axis where class names tell the sides apart (:mod:`.mirroring`).
- **Crop.** The median slice size (rows x cols), each side rounded up to a multiple of the
  backbone's downsample rate, at most ``max_crop``: a crop holds a whole median slice, as
  nnU-Net's 2D patch does, and the network can take it.
"""

import math

import numpy as np

from attn_unet.slicing.slice_plan import VIEWS, SlicePlan

from .mirroring import mirror_axes
from .raw_set import RawSet

__all__ = ['choose_view', 'fit_crop', 'fit_plan', 'slice_shape']

# world axis (LPS order) each view cuts across
VIEW_AXIS = {'sagittal': 0, 'coronal': 1, 'axial': 2}
AXIAL_MARGIN = 1.10


def choose_view(median_spacing_lps, view: str = 'auto') -> tuple[str, str]:
    """``(view, reason)`` for slices of a set with ``median_spacing_lps`` (mm, L/P/S axes)."""
    names = ('left-right', 'posterior-anterior', 'inferior-superior')
    spacing = ', '.join(f'{n} {s:.3g} mm' for n, s in zip(names, median_spacing_lps))
    if view != 'auto':
        return view, f'{view}, as asked (median spacing {spacing})'
    coarsest = int(np.argmax(median_spacing_lps))
    axial = median_spacing_lps[2]
    if coarsest == 2 or median_spacing_lps[coarsest] <= AXIAL_MARGIN * axial:
        chosen = 'axial'
    else:
        chosen = next(v for v, axis in VIEW_AXIS.items() if axis == coarsest)
    return chosen, (
        f'{chosen}: across the coarsest axis (median spacing {spacing}; axial unless another '
        'axis is more than 10 % coarser)'
    )


def channel_plan(raw: RawSet, intensity: list) -> list:
    """Each channel's normalisation, from its name and the pooled foreground statistics."""
    channels = []
    for name, stats in zip(raw.channels, intensity):
        kind = name.strip().lower()
        if kind == 'ct':
            channels.append(
                dict(
                    name=name,
                    norm='ct',
                    clip=[stats['foreground_percentile_00_5'], stats['foreground_percentile_99_5']],
                    mean=stats['foreground_mean'],
                    std=stats['foreground_std'],
                )
            )
        elif kind in ('nonorm', 'none'):
            channels.append(dict(name=name, norm='none'))
        else:
            channels.append(dict(name=name, norm='zscore'))
    return channels


def fit_plan(
    raw: RawSet, fingerprint: dict, view: str = 'auto', context: int = 1, slice_gap: int = 1
) -> tuple[SlicePlan, dict]:
    """The slice plan of a fingerprinted set and the reasons: ``view``, ``channels``, ``mirror``
    (and ``ignore`` when the set has nnU-Net's ignore label)."""
    chosen, why_view = choose_view(fingerprint['spacing_lps_mm']['median'], view)
    channels = channel_plan(raw, fingerprint['intensity'])
    labels = {v: n for v, n in raw.labels.items() if v != raw.ignore_value}
    axes, why_mirror = mirror_axes(chosen, tuple(labels.values()))
    plan = SlicePlan(
        view=chosen,
        channels=tuple(channels),
        label_values=tuple(labels),
        classes=tuple(labels.values()),
        context=context,
        slice_gap=slice_gap,
        mirror_axes=axes,
        ignore_value=raw.ignore_value,
    )
    reasons = dict(view=why_view, channels=_why_channels(channels), mirror=why_mirror)
    if raw.ignore_value is not None:
        reasons['ignore'] = (
            f"label value {raw.ignore_value} ({raw.labels[raw.ignore_value]!r}) is nnU-Net's "
            'ignore label: stored as 255, left out of the loss and the metric, never predicted'
        )
    return plan, reasons


def slice_shape(plan: SlicePlan, spacing_lps, shape_lps) -> tuple[tuple, tuple]:
    """``((Z, H, W), (sz, sh, sw))`` of a volume's slices in the plan's canonical order.

    Args:
        spacing_lps, shape_lps: The volume's spacing and shape along left-right,
            posterior-anterior, inferior-superior.
    """
    codes = VIEWS[plan.view]
    world = {'L': 0, 'R': 0, 'P': 1, 'A': 1, 'S': 2, 'I': 2}
    axes = [world[c] for c in codes]  # canonical axis i lies along world axis axes[i]
    order = (axes[2], axes[1], axes[0])  # slices (Z, H, W) = canonical axes (2, 1, 0)
    return tuple(int(shape_lps[a]) for a in order), tuple(float(spacing_lps[a]) for a in order)


def fit_crop(slice_sizes, rate: int, max_crop: int) -> tuple[tuple, str]:
    """``((h, w), reason)``: the median slice size rounded up to multiples of ``rate``."""
    median = np.median(np.asarray(slice_sizes, dtype=float), axis=0)
    cap = max(rate, (max_crop // rate) * rate)
    crop = tuple(min(int(math.ceil(m / rate) * rate), cap) for m in median)
    capped = (
        ' and capped at --max-crop'
        if any(int(math.ceil(m / rate) * rate) > cap for m in median)
        else ''
    )
    return crop, (
        f'{crop[0]}x{crop[1]}: the median slice {median[0]:g}x{median[1]:g} (rows x cols) '
        f'rounded up to multiples of {rate}, the downsample rate of the backbone{capped}'
    )


def _why_channels(channels: list) -> str:
    parts = []
    for c in channels:
        if c['norm'] == 'ct':
            low, high = c['clip']
            parts.append(
                f'{c["name"]}: clip to [{low:.1f}, {high:.1f}] (training foreground 0.5 / 99.5 '
                f'percentiles), then (x - {c["mean"]:.1f}) / {c["std"]:.1f} (foreground mean / std)'
            )
        elif c['norm'] == 'zscore':
            parts.append(f'{c["name"]}: z-scored per volume (no absolute scale)')
        else:
            parts.append(f'{c["name"]}: kept as stored (noNorm)')
    return '; '.join(parts)
