"""``tools/predict.py``'s check that each scan holds intensities like the training volumes.

Every volume is read once before the first prediction and each channel's 0.5th and 99.5th
percentile held to the checkpoint's record (:mod:`attn_unet.slicing.intensity_range`). A scan
far from it gets one warning line naming the scan, the channel, what was expected and what
was found; ``--strict`` makes that line the run's one ``error:`` instead, before anything is
written. Channels the checkpoint records nothing for (a non-CT channel converted before the
ranges were recorded) are not checked, said once; ``--strict`` refuses them.
"""

import sys
from typing import List, Sequence

from attn_unet.errors import ToolError
from attn_unet.slicing.intensity_range import far_reason, ranges_or_prior, scan_percentiles

__all__ = ['check_intensities', 'expected_ranges']


def expected_ranges(slicing, recorded: List[dict] | None) -> list:
    """Per channel of ``slicing``: the recorded range, the HU prior for CT, or None."""
    plan = getattr(slicing, 'plan', None)
    ct = [c['norm'] == 'ct' for c in plan.channels] if plan else [True] * len(slicing.modalities)
    return ranges_or_prior(recorded, slicing.modalities, ct)


def check_intensities(volumes: Sequence, slicing, expected: list, strict: bool) -> None:
    """Warn about (``strict``: refuse) each volume whose intensities are far from training's.

    Args:
        volumes: opened cases and series (``read_channels``, ``describe``).
        slicing: the checkpoint's slicing (its ``modalities`` and ``read_dtype``).
        expected: :func:`expected_ranges`.
        strict: refuse instead of warning.

    Raises:
        ToolError: with ``strict``, the first scan far from the training range, or a channel
            without a recorded range.
    """
    unchecked = [name for name, entry in zip(slicing.modalities, expected) if entry is None]
    if unchecked:
        words = (f'this checkpoint records no training intensity range for '
                 f'{", ".join(unchecked)} (converted before the ranges were recorded)')  # fmt: skip
        if strict:
            raise ToolError(f'--strict: {words}, so its scans cannot be checked: convert the set '
                            'again and retrain, or drop --strict')  # fmt: skip
        print(f'note: {words}: its scans are not checked', file=sys.stderr)
    for volume in volumes:
        channels = volume.read_channels(slicing.read_dtype)
        for name, data, entry in zip(slicing.modalities, channels, expected):
            if entry is None:
                continue
            found = scan_percentiles(data)
            reason = far_reason(found, entry)
            if reason:
                line = _line(volume.describe(), name, found, entry, reason)
                if strict:
                    raise ToolError(f'{line}; refused by --strict: pass scans like the '
                                    'training ones, or drop --strict')  # fmt: skip
                print(f'warning: {line}; segmented anyway (--strict refuses such scans)',
                      file=sys.stderr)  # fmt: skip


def _line(scan: str, channel: str, found, entry: dict, reason: str) -> str:
    (low_min, low_max), (high_min, high_max) = entry['low'], entry['high']
    source = entry.get('source') or f'the {entry.get("cases", "?")} training volumes'
    hint = ('is it a CT in Hounsfield units? An MR, a scan already normalised or HU offset by '
            '1024 gets wrong labels') if channel.upper() == 'CT' else (
            f'is it a {channel} scan as the training ones were stored?')  # fmt: skip
    return (
        f'{scan}: {channel} intensities {found[0]:.4g} to {found[1]:.4g} (0.5 to 99.5 '
        f'percentile) are far from {source} ({reason}: expected {low_min:.4g}..{low_max:.4g} '
        f'to {high_min:.4g}..{high_max:.4g}); {hint}'
    )
