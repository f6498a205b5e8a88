"""DRIVE ``training.zip`` / ``test.zip`` -> mmseg's DRIVE layout, through mmseg's own converter.

mmseg's ``tools/dataset_converters/drive.py`` (shipped in the wheel) is run unchanged: it
writes ``images/{training,validation}/NN.png`` and ``annotations/{training,validation}/
NN_manual1.png`` (vessel 1, background 0: the GIF's first channel divided by 128), and
ignores the field-of-view masks. This wrapper checks the zips first, shows a progress bar
(one tick per file written) and turns what the converter would crash on (a missing or
corrupt zip, missing folders, an image or GIF that cannot be decoded) into one-line errors.
"""

import argparse
import contextlib
import importlib.util
import io
import os.path as osp
import zipfile
from types import SimpleNamespace

import cv2
import mmcv
from mmengine.utils import ProgressBar

from attn_unet.errors import DatasetLayoutError

__all__ = ['MMSEG_DRIVE_CONVERTER', 'convert_drive']

MMSEG_DRIVE_CONVERTER = osp.join(
    osp.dirname(importlib.util.find_spec('mmseg').origin),
    '.mim',
    'tools',
    'dataset_converters',
    'drive.py',
)
# folders each zip must hold (the converter lists them), and the optional ones it also reads
_REQUIRED = {'training': ('training/images/', 'training/1st_manual/'), 'test': ('test/images/',)}
_OPTIONAL = {'training': (), 'test': ('test/1st_manual/', 'test/2nd_manual/')}


def convert_drive(training_zip, test_zip, out_dir='data/DRIVE', tmp_dir=None) -> int:
    """Convert DRIVE's release zips with mmseg's converter.

    Args:
        training_zip: ``training.zip`` of the DRIVE release (or of
            ``demo/generate_fundus.py``).
        test_zip: ``test.zip`` likewise; its ``1st_manual`` become the validation labels.
        out_dir: Converted dataset root (mmseg's default ``data/DRIVE``).
        tmp_dir: Where the zips are extracted (a temporary folder inside it).

    Returns:
        How many images and annotations were written.

    Raises:
        DatasetLayoutError: A zip is missing, not a zip, or lacks the folders DRIVE has, or
            an image or annotation inside it cannot be decoded.
    """
    total = 0
    for split, path in (('training', training_zip), ('test', test_zip)):
        total += _count_files(split, str(path))
    converter = _load_mmseg_converter()
    converter.parse_args = lambda: argparse.Namespace(
        training_path=str(training_zip),
        testing_path=str(test_zip),
        tmp_dir=None if tmp_dir is None else str(tmp_dir),
        out_dir=str(out_dir),
    )
    progress = ProgressBar(total)
    converter.mmcv = SimpleNamespace(imread=_checked_imread, imwrite=_ticking_imwrite(progress))
    converter.cv2 = SimpleNamespace(VideoCapture=_CheckedCapture)
    with contextlib.redirect_stdout(io.StringIO()):  # its step-by-step prints; the bar stays
        converter.main()
    return total


def _count_files(split: str, path: str) -> int:
    """Files of ``split`` that the converter will write, after checking the zip's layout."""
    name = osp.basename(path) or path
    if not osp.isfile(path):
        raise DatasetLayoutError(
            f"'{path}' not found: pass the {split} zip of the DRIVE release (or generate "
            'synthetic ones with demo/generate_fundus.py OUT_DIR)'
        )
    if not zipfile.is_zipfile(path):
        raise DatasetLayoutError(
            f"'{path}' is not a zip file: pass DRIVE's original {split}.zip, not an extracted copy"
        )
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.namelist() if not m.endswith('/')]
    for folder in _REQUIRED[split]:
        if not any(m.startswith(folder) for m in members):
            found = sorted({m.split('/')[0] + '/' for m in members}) or ['nothing']
            raise DatasetLayoutError(
                f"{name} holds no '{folder}' files (its top level: {', '.join(found[:4])}): "
                f"mmseg's converter needs DRIVE's {split}.zip as released"
            )
    folders = _REQUIRED[split] + _OPTIONAL[split]
    return sum(1 for m in members if any(m.startswith(f) for f in folders))


def _load_mmseg_converter():
    """mmseg's ``drive.py`` as a fresh module (its functions, not run)."""
    if not osp.isfile(MMSEG_DRIVE_CONVERTER):
        raise DatasetLayoutError(
            f'mmseg DRIVE converter not found at {MMSEG_DRIVE_CONVERTER}: '
            'reinstall mmsegmentation==1.2.2 (the wheel ships it under .mim/tools)'
        )
    spec = importlib.util.spec_from_file_location('mmseg_drive_converter', MMSEG_DRIVE_CONVERTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _member(path: str) -> str:
    """``training/images/21_training.tif`` out of an extracted path."""
    parts = osp.normpath(path).split(osp.sep)
    return '/'.join(parts[-3:])


def _checked_imread(path, *args, **kwargs):
    image = mmcv.imread(path, *args, **kwargs)
    if image is None:
        raise DatasetLayoutError(
            f'cannot decode {_member(path)}: replace it with an RGB TIFF and rerun'
        )
    return image


def _ticking_imwrite(progress: ProgressBar):
    def imwrite(image, path, *args, **kwargs):
        written = mmcv.imwrite(image, path, *args, **kwargs)
        progress.update()
        return written

    return imwrite


class _CheckedCapture:
    """``cv2.VideoCapture`` whose ``read`` fails in one line instead of returning ``None``."""

    def __init__(self, path: str):
        self.path = path
        self._capture = cv2.VideoCapture(path)

    def read(self):
        ok, frame = self._capture.read()
        self._capture.release()
        if not ok or frame is None or frame.ndim != 3:
            raise DatasetLayoutError(
                f'cannot read the GIF {_member(self.path)} with cv2.VideoCapture (needs '
                "opencv-python's FFmpeg): re-save it as a single-frame GIF and rerun"
            )
        return ok, frame
