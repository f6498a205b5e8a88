"""``--continue``: which volumes an earlier run finished, and what it left half written.

A volume's outputs are written one file at a time, each whole or not at all, and its JSON
record last, so a run stopped between two files leaves some of them. A volume is complete
when its record reads back as this tool's record of that volume, every file the record
names (and every one this run asks for) is there, and the label volume opens whole on the
volume's grid. A volume with some outputs but not complete is a leftover: its files are
removed before it is predicted again, and that is said in one line.
"""

import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import List

from attn_unet.errors import VolumeError
from attn_unet.volumes import open_nifti

from .outputs import ScanOutputs

__all__ = ['Earlier', 'earlier_outputs', 'remove_earlier']


@dataclass(frozen=True)
class Earlier:
    """What an earlier run left of one volume's outputs.

    Attributes:
        complete: every output is there and checked; the volume need not be predicted.
        present: the outputs that exist (empty: the volume was never begun).
        reason: why the present outputs are not complete (None when complete or absent).
        record: the record read back when complete.
    """

    complete: bool
    present: tuple = ()
    reason: str | None = None
    record: dict | None = None


def earlier_outputs(outputs: ScanOutputs, scan: str, shape: tuple) -> Earlier:
    """Check what an earlier run wrote for one volume.

    Args:
        outputs: the volume's output names (as this run asks for them).
        scan: the input as the record names it (``record()['scan']`` of the volume).
        shape: the volume's ``(X, Y, Z)``.
    """
    present = tuple(p for p in outputs.paths() if osp.exists(p))
    if not present:
        return Earlier(False)
    missing = [osp.basename(p) for p in outputs.paths() if p not in present]
    if missing:
        return Earlier(False, present, f'{", ".join(missing)} missing')
    try:
        with open(outputs.record, encoding='utf-8') as f:
            record = json.load(f)
    except (OSError, ValueError) as exc:
        return Earlier(False, present, f'{osp.basename(outputs.record)} unreadable ({exc})')
    if not isinstance(record, dict) or record.get('scan') != scan:
        return Earlier(
            False, present, f'{osp.basename(outputs.record)} is not the record of {scan}'
        )
    if 'statistics' not in record:
        return Earlier(False, present, f'{osp.basename(outputs.record)} has no statistics')
    try:
        labels = open_nifti(outputs.labels)
    except VolumeError as exc:
        return Earlier(False, present, str(exc))
    if tuple(labels.shape[:3]) != tuple(shape):
        return Earlier(False, present, f'{osp.basename(outputs.labels)} is {labels.shape[:3]}, '
                                       f'the scan {tuple(shape)}')  # fmt: skip
    return Earlier(True, present, record=record)


def remove_earlier(earlier: Earlier) -> List[str]:
    """Remove an incomplete volume's outputs; the record first, so a stop midway stays
    incomplete. Returns the names removed."""
    ordered = sorted(earlier.present, key=lambda p: not p.endswith('.json'))
    for path in ordered:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
    return [osp.basename(p) for p in ordered]
