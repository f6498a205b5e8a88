"""What ``tools/predict.py`` is given: scans, DICOM series and images, in files and folders.

NIfTI scans and images are taken from the files given and from the top level of the
folders given; DICOM files (recognised by their ``DICM`` preamble, whatever their
names) from anywhere under a folder, a folder of series folders included. Under
``torchrun`` each rank takes every ``WORLD_SIZE``-th input of the sorted list, so N ranks
write the same files one process would, each file once.
"""

import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List

from attn_unet.errors import ToolError
from attn_unet.volumes import is_nifti_path
from attn_unet.volumes.dicom import find_dicom_files, is_dicom_file

__all__ = ['IMAGE_SUFFIXES', 'Inputs', 'find_inputs', 'rank_share']

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')


@dataclass
class Inputs:
    """Scans (NIfTI volumes), DICOM files and 2D images to segment, each list sorted.

    Attributes:
        scans: NIfTI files.
        images: 2D image files.
        dicom: ``{input folder: the DICOM files under it}``.
    """

    scans: List[str] = field(default_factory=list)
    images: List[str] = field(default_factory=list)
    dicom: Dict[str, List[str]] = field(default_factory=dict)


def find_inputs(paths: List[str]) -> Inputs:
    """The scans, DICOM files and images named by ``paths`` (files or folders).

    Raises:
        ToolError: a path does not exist, a file is neither a NIfTI volume nor an image
            (a DICOM file alone: its folder is the input), or nothing to segment is found.
    """
    found = Inputs()
    for path in paths:
        if osp.isdir(path):
            names = sorted(n for n in os.listdir(path) if not n.startswith('.'))
            files = [osp.join(path, n) for n in names if osp.isfile(osp.join(path, n))]
            _sort_into(found, [f for f in files if _kind(f)], strict=False)
            dicom = [f for f in find_dicom_files(path) if not _kind(f)]
            if dicom:
                found.dicom[path] = dicom
        elif osp.isfile(path):
            _sort_into(found, [path], strict=True)
        else:
            raise ToolError(
                f'input {path} does not exist: pass NIfTI scans, DICOM folders, images or folders'
            )
    if not found.scans and not found.images and not found.dicom:
        raise ToolError(
            f'no .nii / .nii.gz scan, DICOM series or image ({", ".join(IMAGE_SUFFIXES)}) in '
            f'{", ".join(paths)}'
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
        elif strict and is_dicom_file(path):
            raise ToolError(
                f'{path} is a DICOM file: pass the folder of its series (predict.py reads '
                'a series from all its slices)'
            )
        elif strict:
            raise ToolError(
                f'{path} is neither a NIfTI scan (.nii, .nii.gz) nor an image '
                f'({", ".join(IMAGE_SUFFIXES)}): pass a volume, an image or a folder of them'
            )
