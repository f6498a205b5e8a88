"""Cityscapes polygons -> ``*_gtFine_labelTrainIds.png`` for mmseg's CityscapesDataset.

Same output as mmseg's ``tools/dataset_converters/cityscapes.py``: every
``*_gtFine_polygons.json`` gets a train-id label image beside it (rasterised
by cityscapesscripts' ``json2labelImg``), and ``{split}.txt`` lists the
``{city}/{stem}`` of each split. Bad input ends in one-line errors.
"""

import contextlib
import io
import os.path as osp

from cityscapesscripts.preparation.json2labelImg import json2labelImg
from mmengine.utils import mkdir_or_exist, scandir, track_parallel_progress, track_progress

from attn_unet.errors import DatasetError, DatasetLayoutError
from attn_unet.fileio import write_text_atomically

__all__ = ['convert_cityscapes']

_POLYGONS = '_gtFine_polygons.json'


def convert_cityscapes(
    root,
    gt_dir: str = 'gtFine',
    nproc: int = 1,
    out_dir=None,
    split_names=('train', 'val', 'test'),
) -> int:
    """Write ``*_gtFine_labelTrainIds.png`` for every polygons file under ``root/gt_dir``.

    Args:
        root: Cityscapes root (``data/cityscapes``).
        gt_dir: Annotation folder under ``root``.
        nproc: Worker processes; 1 converts in this process.
        out_dir: Where the split lists go (label images always go beside their
            JSON, as mmseg expects). Defaults to ``root``.
        split_names: Splits to list; a split without polygons gets no list.

    Returns:
        How many label images were written.

    Raises:
        DatasetLayoutError: ``root`` or ``root/gt_dir`` is missing, or holds no
            polygons file.
        DatasetError: A polygons file cannot be read or names an unknown label, or
            a label path is a folder (nothing is written then) or cannot be written.
    """
    root = osp.normpath(str(root))
    if not osp.isdir(root):
        raise DatasetLayoutError(
            f"data root '{root}' not found: pass the folder holding leftImg8bit/ and gtFine/"
        )
    gt_path = osp.join(root, gt_dir)
    files = [osp.join(gt_path, f) for f in _polygon_files(gt_path)]
    if not files:
        raise DatasetLayoutError(
            f'no *{_POLYGONS} under {gt_path}: unzip gtFine_trainvaltest.zip from '
            f'cityscapes-dataset.com into {root} (or pass --gt-dir)'
        )
    blocked = [_label_file(f) for f in files if osp.isdir(_label_file(f))]
    if blocked:
        more = f' (and {len(blocked) - 1} more)' if len(blocked) > 1 else ''
        raise DatasetError(
            f'label path {blocked[0]}{more} is a folder, not a file: the converter writes the '
            'train-id label there; move or remove that folder and rerun'
        )
    if nproc > 1:
        errors = track_parallel_progress(_convert_one, files, nproc)
    else:
        errors = track_progress(_convert_one, files)
    failed = [(f, e) for f, e in zip(files, errors) if e is not None]
    if failed:
        (path, reason), more = failed[0], len(failed) - 1
        others = f' (and {more} more)' if more else ''
        raise DatasetError(f'cannot convert {path}{others}: {reason}; fix or remove it and rerun')

    out_dir = str(out_dir) if out_dir is not None else root
    mkdir_or_exist(out_dir)
    for split in split_names:
        split_path = osp.join(gt_path, split)
        stems = sorted(f[: -len(_POLYGONS)] for f in _polygon_files(split_path))
        if stems:
            write_text_atomically(
                osp.join(out_dir, f'{split}.txt'), ''.join(stem + '\n' for stem in stems)
            )
    return len(files)


def _polygon_files(folder: str) -> list[str]:
    """Sorted paths, relative to ``folder``, of the polygons files below it."""
    if not osp.isdir(folder):
        return []
    return sorted(scandir(folder, _POLYGONS, recursive=True))


def _convert_one(json_file: str) -> str | None:
    """Rasterise one polygons file to train ids.

    Returns:
        None, or why the file could not be converted. Workers report instead of
        raising, so a bad file never leaves a pool half shut down.
    """
    label_file = _label_file(json_file)
    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said):
            json2labelImg(json_file, label_file, 'trainIds')
    except SystemExit:  # json2labelImg exits on an unknown label after printing why
        lines = said.getvalue().strip().splitlines() or ['rejected by json2labelImg']
        return lines[0].removeprefix('ERROR: ').rstrip('.')
    except OSError as e:
        return f'{e.strerror or e} ({e.filename or label_file})'
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return f'not a Cityscapes polygons file ({e})'
    return None


def _label_file(json_file: str) -> str:
    """Where the train-id label of a polygons file goes: beside it, as mmseg expects."""
    return json_file.replace('_polygons.json', '_labelTrainIds.png')
