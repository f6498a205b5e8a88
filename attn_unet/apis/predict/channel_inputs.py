"""What ``tools/predict.py`` is given for a model of C input channels: cases of channel files.

A case is

- one file: a 3D scan (a one-channel model), or a Decathlon image holding every channel
  along a 4th axis ``(X, Y, Z, C)``; it is named by its file (``pancreas_042``);
- nnU-Net's channel files ``CASE_0000.nii.gz``, ``CASE_0001.nii.gz``, ... (``_0000`` present),
  grouped by ``CASE`` and named by it, as nnU-Net names its predictions.

Files and folders (searched one level deep) may be mixed; under a distributed launcher each
rank takes every ``WORLD_SIZE``-th case of the sorted list.
"""

import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Sequence

from attn_unet.errors import ToolError

from .scan_io import is_nifti_path, scan_stem

__all__ = ['CaseInput', 'find_cases']

_CHANNEL_FILE = re.compile(r'(.+)_(\d{4})$')


@dataclass(frozen=True)
class CaseInput:
    """One case to segment: its name and its files (one per channel, or one for all)."""

    case_id: str
    files: tuple


def find_cases(paths: Sequence[str], channels: Sequence[str]) -> List[CaseInput]:
    """The cases named by ``paths`` for a model reading ``channels``, sorted by name.

    Raises:
        ToolError: a path does not exist, a file is not NIfTI, no scan is found, or a case's
            channel files are not exactly ``_0000`` .. ``_{C-1:04d}``.
    """
    files = []
    for path in paths:
        if osp.isdir(path):
            names = sorted(n for n in os.listdir(path) if not n.startswith('.'))
            files += [osp.join(path, n) for n in names if is_nifti_path(n)]
        elif osp.isfile(path):
            if not is_nifti_path(path):
                raise ToolError(
                    f'{path} is not a NIfTI scan (.nii, .nii.gz): this checkpoint reads volumes '
                    f'of {len(channels)} channel(s) ({", ".join(channels)}), not 2D images'
                )
            files.append(path)
        else:
            raise ToolError(f'input {path} does not exist: pass NIfTI scans or folders of them')
    if not files:
        raise ToolError(
            f'no .nii / .nii.gz scan in {", ".join(map(str, paths))}: this checkpoint reads the '
            'NIfTI cases of its Decathlon / nnU-Net set (convert DICOM series with dcm2niix)'
        )
    groups: Dict[str, Dict[int, str]] = {}
    for path in sorted(set(files)):
        match = _CHANNEL_FILE.fullmatch(scan_stem(path))
        if match:
            groups.setdefault(match.group(1), {})[int(match.group(2))] = path
    cases = []
    for path in sorted(set(files)):
        match = _CHANNEL_FILE.fullmatch(scan_stem(path))
        if match is None or 0 not in groups[match.group(1)]:
            cases.append(CaseInput(scan_stem(path), (path,)))
    for case, by_channel in sorted(groups.items()):
        if 0 in by_channel:
            cases.append(_channel_case(case, by_channel, channels))
    return sorted(cases, key=lambda c: c.case_id)


def _channel_case(case: str, by_channel: Dict[int, str], channels: Sequence[str]) -> CaseInput:
    wanted = list(range(len(channels)))
    if sorted(by_channel) != wanted:
        folder = osp.dirname(by_channel[0])
        missing = [c for c in wanted if c not in by_channel]
        if missing:
            problem = f'lacks {osp.join(folder, f"{case}_{missing[0]:04d}.nii.gz")}'
        else:
            extra = max(by_channel)
            problem = f'has a channel {extra} file ({osp.basename(by_channel[extra])})'
        raise ToolError(
            f'case {case} {problem}: the model reads {len(channels)} channel(s) '
            f'({", ".join(channels)}), as files {case}_0000 .. {case}_{len(channels) - 1:04d}; '
            'pass every channel file of the case and no other'
        )
    return CaseInput(case, tuple(by_channel[c] for c in wanted))
