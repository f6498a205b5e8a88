"""Where ``tools/predict.py`` writes: the ``--out-dir``, each input's files, a killed run's rest.

- Each scan gives ``<stem>.nii.gz`` and ``<stem>.json``, with ``--save-attention``
  ``<stem>_attention.nii.gz``, with ``--dicom-seg`` ``<stem>_seg.dcm`` and with
  ``--save-probabilities`` the probability files (:mod:`.probabilities`); every name
  is checked before the first prediction (no two inputs onto one file, no existing
  file without ``--overwrite``).
- The ``--out-dir`` is created when missing, and removed again when the run is
  refused or stopped while it is still empty: a refused run leaves nothing behind.
- A run killed with ``kill -9`` leaves its hidden partial files in the folder; the next
  run removes them (:func:`attn_unet.fileio.remove_leftovers`: only this tool's
  output kinds, only what no live process holds) and says so.
"""

import os
import os.path as osp
import tempfile
from dataclasses import dataclass
from typing import Iterable, List

from attn_unet.errors import ToolError
from attn_unet.fileio import remove_leftovers

__all__ = ['OUTPUT_SUFFIXES', 'OutDir', 'ScanOutputs', 'check_targets', 'scan_outputs']

# The kinds of file predict.py writes into its --out-dir.
OUTPUT_SUFFIXES = ('.nii.gz', '.json', '.png', '.npy', '.dcm', '.npz')


@dataclass(frozen=True)
class ScanOutputs:
    """The files one scan (or series) gives; None for one not asked for."""

    labels: str
    record: str
    attention: str | None = None
    dicom_seg: str | None = None
    probabilities: tuple = ()

    def paths(self) -> List[str]:
        files = (self.labels, self.attention, self.dicom_seg, *self.probabilities, self.record)
        return [p for p in files if p]


def scan_outputs(
    out_dir: str, stem: str, save_attention: bool = False, dicom_seg: bool = False
) -> ScanOutputs:
    """The names of a scan's outputs, ``OUT/<stem>...``."""
    base = osp.join(out_dir, stem)
    return ScanOutputs(
        labels=f'{base}.nii.gz',
        record=f'{base}.json',
        attention=f'{base}_attention.nii.gz' if save_attention else None,
        dicom_seg=f'{base}_seg.dcm' if dicom_seg else None,
    )


def check_targets(targets: Iterable[str], overwrite: bool) -> None:
    """Refuse two inputs onto one file, or an existing file without ``overwrite``.

    Raises:
        ToolError: naming the file and the fix.
    """
    seen = set()
    for target in targets:
        if target in seen:
            raise ToolError(
                f'two inputs would both be written to {target}: give the scans different names '
                'or segment them into different --out-dir folders'
            )
        seen.add(target)
        if osp.exists(target) and not overwrite:
            raise ToolError(
                f'{target} exists: pass --overwrite to replace it, or another --out-dir'
            )


class OutDir:
    """The ``--out-dir`` of one run: created if missing, removed again if left unused.

    Args:
        path: the folder the user gave.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.created: List[str] = []

    def prepare(self) -> None:
        """Create the folder (and its missing parents) and check that it can be written.

        Raises:
            ToolError: it is a file, or it cannot be created or written into.
        """
        if osp.exists(self.path) and not osp.isdir(self.path):
            raise ToolError(f'--out-dir {self.path} is a file: pass a folder for the predictions')
        missing, folder = [], osp.abspath(self.path)
        while not osp.exists(folder):
            missing.append(folder)
            folder = osp.dirname(folder)
        try:
            for folder in reversed(missing):
                os.mkdir(folder)
                self.created.append(folder)
            with tempfile.NamedTemporaryFile(dir=self.path, prefix='.write-test-'):
                pass
        except OSError as exc:
            self.remove_if_unused()
            raise ToolError(
                f'cannot write into --out-dir {self.path} ({exc.strerror or exc}): pass a '
                'writable folder'
            ) from exc

    def remove_if_unused(self) -> None:
        """Remove the folders this run created that are still empty (deepest first)."""
        for folder in reversed(self.created):
            try:
                os.rmdir(folder)  # only ever an empty folder: never a file of anyone
            except OSError:
                break
        self.created = []

    def remove_leftovers(self) -> List[str]:
        """Remove the partial outputs a killed earlier run left here; say so in one line."""
        return remove_leftovers(self.path, lambda final: final.lower().endswith(OUTPUT_SUFFIXES))
