"""What ``tools/predict.py`` is given: scans and images, found in files and folders, per rank.

Under ``torchrun`` (or ``tools/dist_predict.sh``) each rank takes every
``WORLD_SIZE``-th input of the sorted list, so N ranks write the same files one
process would, each file once.
"""

import os
import os.path as osp
from dataclasses import dataclass, field
from typing import List

from attn_unet.errors import ToolError

from .scan_io import is_nifti_path

__all__ = ['IMAGE_SUFFIXES', 'Inputs', 'find_inputs', 'rank_share']

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')


@dataclass
class Inputs:
    """Scans (NIfTI volumes) and 2D images to segment, each list sorted."""

    scans: List[str] = field(default_factory=list)
    images: List[str] = field(default_factory=list)


def find_inputs(paths: List[str]) -> Inputs:
    """The scans and images named by ``paths`` (files, or folders searched one level deep).

    Raises:
        ToolError: a path does not exist, a file is neither a NIfTI volume nor an image,
            or nothing to segment is found.
    """
    found = Inputs()
    for path in paths:
        if osp.isdir(path):
            names = sorted(n for n in os.listdir(path) if not n.startswith('.'))
            files = [osp.join(path, n) for n in names if osp.isfile(osp.join(path, n))]
            _sort_into(found, [f for f in files if _kind(f)], strict=False)
        elif osp.isfile(path):
            _sort_into(found, [path], strict=True)
        else:
            raise ToolError(f'input {path} does not exist: pass NIfTI scans, images or folders')
    if not found.scans and not found.images:
        raise ToolError(
            f'no .nii / .nii.gz scan or image ({", ".join(IMAGE_SUFFIXES)}) in {", ".join(paths)}'
        )
    found.scans, found.images = sorted(set(found.scans)), sorted(set(found.images))
    return found


def rank_share(items: List[str]) -> List[str]:
    """This process's share of ``items`` under a distributed launcher (all of them otherwise)."""
    rank, world = int(os.environ.get('RANK', 0)), int(os.environ.get('WORLD_SIZE', 1))
    return items[rank::world]


def _kind(path: str) -> str | None:
    if is_nifti_path(path):
        return 'scan'
    if path.lower().endswith(IMAGE_SUFFIXES):
        return 'image'
    return None


def _sort_into(found: Inputs, files: List[str], strict: bool) -> None:
    for path in files:
        kind = _kind(path)
        if kind == 'scan':
            found.scans.append(path)
        elif kind == 'image':
            found.images.append(path)
        elif strict:
            raise ToolError(
                f'{path} is neither a NIfTI scan (.nii, .nii.gz) nor an image '
                f'({", ".join(IMAGE_SUFFIXES)}): pass a CT volume, an image or a folder of them'
            )
