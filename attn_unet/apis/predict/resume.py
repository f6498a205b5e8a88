"""``--continue``: which volumes an earlier run finished, and what it left half written.

A volume's outputs are written one file at a time, each whole or not at all, and its JSON
record last, so a run stopped between two files leaves some of them. A volume is complete
when its record reads back as this tool's record of that volume, every file the record
names (and every one this run asks for) is there, and the label volume opens whole on the
volume's grid. A volume with some outputs but not complete is a leftover: its files are
removed before it is predicted again, and that is said in one line. A file it cannot place
(a record of another scan, or a label volume off the scan's grid with no record) is refused
before any work, never removed.
"""

import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import List

from attn_unet.errors import ToolError, VolumeError
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

    Raises:
        ToolError: a file under an output's name that this tool did not write for this scan
            (a record of another scan, or no record and no label volume on the scan's grid):
            ``--continue`` removes only its own leftovers, never a file it cannot place.
    """
    present = tuple(p for p in outputs.paths() if osp.exists(p))
    if not present:
        return Earlier(False)
    record, unreadable = _read_record(outputs.record)
    if unreadable or (record is not None and record.get('scan') != scan):
        _refuse(outputs.record, scan, unreadable or f'it is the record of {record.get("scan")}')
    labels, damaged = None, None
    if outputs.labels in present:
        try:
            labels = open_nifti(outputs.labels)
        except VolumeError as exc:
            damaged = str(exc)
    grid_reason = None
    if labels is not None and tuple(labels.shape[:3]) != tuple(shape):
        grid_reason = (
            f'{osp.basename(outputs.labels)} is {labels.shape[:3]}, the scan {tuple(shape)}'
        )
    if record is None and outputs.labels in present and (damaged or grid_reason):
        _refuse(outputs.labels, scan, damaged or grid_reason)
    missing = [osp.basename(p) for p in outputs.paths() if p not in present]
    if missing:
        return Earlier(False, present, f'{", ".join(missing)} missing')
    if 'statistics' not in record:
        return Earlier(False, present, f'{osp.basename(outputs.record)} has no statistics')
    if damaged or grid_reason:
        return Earlier(False, present, damaged or grid_reason)
    return Earlier(True, present, record=record)


def _read_record(path: str) -> tuple:
    """``(record or None when absent, why it cannot be read or None)``."""
    if not osp.exists(path):
        return None, None
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except (OSError, ValueError) as exc:
        return None, f'it cannot be read as a record ({exc})'
    if not isinstance(record, dict):
        return None, 'it is not a record of this tool'
    return record, None


def _refuse(path: str, scan: str, why: str) -> None:
    raise ToolError(
        f'{path} is in the way of the outputs of {scan} and is not what predict.py left of '
        f'them ({why}): move it away or pass another --out-dir (--continue removes only the '
        'half-written outputs of its own earlier runs)'
    )


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
