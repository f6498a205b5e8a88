"""Fail fast, in one line, when the Cityscapes or Synapse folders are not where a config says.

mmseg itself only notices a missing or half-converted Cityscapes copy deep
inside the dataloader (or silently trains on zero images); these checks run
before the runner is built. They only list file names, so they take well under
a second even on the full 5000-image dataset.
"""

import os
import os.path as osp

__all__ = [
    'DatasetLayoutError',
    'check_cityscapes_layout',
    'check_dataset_cfg',
    'check_drive_layout',
    'check_synapse_layout',
]

IMG_SUFFIX = '_leftImg8bit.png'
SEG_SUFFIX = '_gtFine_labelTrainIds.png'
_CONVERT = 'python3 tools/dataset_converters/cityscapes.py'
DRIVE_SEG_SUFFIX = '_manual1.png'
SYNAPSE_IMG_SUFFIX = '.jpg'
SYNAPSE_SEG_SUFFIX = '.png'
_SYNAPSE_CONVERT = 'python3 tools/dataset_converters/synapse.py RAW_DIR --save-path'


class DatasetLayoutError(FileNotFoundError):
    """The dataset folder is missing or not in the layout the config expects."""


def check_cityscapes_layout(
    data_root, img_dir: str = 'leftImg8bit/train', ann_dir: str = 'gtFine/train'
) -> int:
    """Check that a Cityscapes copy is in mmseg's layout and converted.

    Args:
        data_root: Dataset root (``data/cityscapes``); ``img_dir`` and ``ann_dir``
            are relative to it unless absolute. Empty or None: they are used as
            given.
        img_dir: Folder holding ``{city}/*_leftImg8bit.png``.
        ann_dir: Folder holding ``{city}/*_gtFine_labelTrainIds.png``.

    Returns:
        The number of images found.

    Raises:
        DatasetLayoutError: With a one-line message naming what is missing and
            how to fix it.
    """
    root = osp.normpath(str(data_root)) if data_root else ''
    if root and osp.exists(root) and not osp.isdir(root):
        raise DatasetLayoutError(
            f"data root '{root}' is a file, not a folder: point data_root in the config "
            'at the Cityscapes folder'
        )
    if root and not osp.isdir(root):
        raise DatasetLayoutError(
            f"data root '{root}' not found: link your Cityscapes copy there "
            f'(ln -s /path/to/cityscapes {osp.dirname(root) or "."}/) '
            'or set data_root in the config'
        )
    where = f'under {root}' if root else 'in the working directory'
    img_path, ann_path = osp.join(root, img_dir), osp.join(root, ann_dir)
    if not osp.isdir(img_path):
        raise DatasetLayoutError(
            f"no '{img_dir}' {where}: unzip leftImg8bit_trainvaltest.zip from "
            'cityscapes-dataset.com into the data root, or fix data_prefix.img_path in the config'
        )
    images = _stems(img_path, IMG_SUFFIX)
    if not images:
        raise DatasetLayoutError(
            f'no *{IMG_SUFFIX} in {osp.normpath(img_path)}: it should hold one folder per city '
            'of Cityscapes images; check data_root and data_prefix.img_path in the config'
        )
    if not osp.isdir(ann_path):
        raise DatasetLayoutError(
            f"no '{ann_dir}' {where}: unzip gtFine_trainvaltest.zip from cityscapes-dataset.com "
            f'into the data root and run {_CONVERT} {root or "DATA_ROOT"}, '
            'or fix data_prefix.seg_map_path in the config'
        )
    missing = images - _stems(ann_path, SEG_SUFFIX)
    if missing:
        raise DatasetLayoutError(
            f'{len(missing)} of {len(images)} images in {img_dir} have no *{SEG_SUFFIX} '
            f'(e.g. {sorted(missing)[0]}): run {_CONVERT} {root or "DATA_ROOT"}'
        )
    return len(images)


def check_synapse_layout(
    data_root, img_dir: str = 'img_dir/train', ann_dir: str = 'ann_dir/train'
) -> int:
    """Check that a Synapse copy is converted into mmseg's slice layout.

    The converter (``tools/dataset_converters/synapse.py``) writes
    ``img_dir/{split}/caseXXXX_sliceYYY.jpg`` and the same stems as ``.png``
    under ``ann_dir/{split}``.

    Args:
        data_root: Converted root (``data/synapse``); ``img_dir`` and ``ann_dir``
            are relative to it unless absolute. Empty or None: used as given.
        img_dir: Folder of slice images.
        ann_dir: Folder of slice label maps.

    Returns:
        The number of slices found.

    Raises:
        DatasetLayoutError: With a one-line message naming what is missing and
            how to fix it.
    """
    root = osp.normpath(str(data_root)) if data_root else ''
    convert = f'{_SYNAPSE_CONVERT} {root or "DATA_ROOT"}'
    if root and not osp.isdir(root):
        raise DatasetLayoutError(
            f"data root '{root}' not found: convert the raw Synapse volumes with {convert} "
            '(or generate a phantom: python3 tools/misc/generate_synapse_phantom.py RAW_DIR), '
            'or set data_root in the config'
        )
    where = f'under {root}' if root else 'in the working directory'
    img_path, ann_path = osp.join(root, img_dir), osp.join(root, ann_dir)
    if not osp.isdir(img_path):
        raise DatasetLayoutError(
            f"no '{img_dir}' {where}: run {convert}, or fix data_prefix.img_path in the config"
        )
    slices = _stems(img_path, SYNAPSE_IMG_SUFFIX)
    if not slices:
        raise DatasetLayoutError(
            f'no caseXXXX_sliceYYY{SYNAPSE_IMG_SUFFIX} in {osp.normpath(img_path)}: run {convert}'
        )
    if not osp.isdir(ann_path):
        raise DatasetLayoutError(
            f"no '{ann_dir}' {where}: run {convert}, or fix data_prefix.seg_map_path in the config"
        )
    missing = slices - _stems(ann_path, SYNAPSE_SEG_SUFFIX)
    if missing:
        raise DatasetLayoutError(
            f'{len(missing)} of {len(slices)} slices in {img_dir} have no {SYNAPSE_SEG_SUFFIX} '
            f'label in {ann_dir} (e.g. {sorted(missing)[0]}): rerun {convert}'
        )
    return len(slices)


def check_dataset_cfg(dataset_cfg: dict) -> None:
    """Run the layout check of every Cityscapes, DRIVE or Synapse set in a dataset config.

    Wrappers (``ConcatDataset`` with ``datasets``, ``RepeatDataset`` and the
    like with ``dataset``) are searched recursively; other dataset types are
    left alone.

    Args:
        dataset_cfg: An mmseg dataset config, e.g. ``cfg.train_dataloader.dataset``.

    Raises:
        DatasetLayoutError: See :func:`check_cityscapes_layout`,
            :func:`check_drive_layout` and :func:`check_synapse_layout`.
    """
    if not isinstance(dataset_cfg, dict):
        return
    for child in dataset_cfg.get('datasets') or []:
        check_dataset_cfg(child)
    if dataset_cfg.get('dataset') is not None:
        check_dataset_cfg(dataset_cfg['dataset'])
    checks = {
        'CityscapesDataset': check_cityscapes_layout,
        'DRIVEDataset': check_drive_layout,
        'SynapseDataset': check_synapse_layout,
    }
    for class_name, check in checks.items():
        if _is_dataset(dataset_cfg.get('type'), class_name):
            prefix = dataset_cfg.get('data_prefix') or {}
            check(
                dataset_cfg.get('data_root'),
                img_dir=prefix.get('img_path', ''),
                ann_dir=prefix.get('seg_map_path', ''),
            )


def check_drive_layout(
    data_root, img_dir: str = 'images/training', ann_dir: str = 'annotations/training'
) -> int:
    """Check that a DRIVE copy is in the layout mmseg's DRIVE converter writes.

    Args:
        data_root: Converted root (``data/DRIVE``); the folders are relative to it.
        img_dir: Folder of ``NN.png`` photographs.
        ann_dir: Folder of ``NN_manual1.png`` labels (0 background, 1 vessel).

    Returns:
        The number of images found.

    Raises:
        DatasetLayoutError: One line naming what is missing and how to fix it.
    """
    root = osp.normpath(str(data_root)) if data_root else ''
    convert = (
        f'python3 tools/dataset_converters/drive.py training.zip test.zip -o {root or "DATA_ROOT"}'
    )
    if root and not osp.isdir(root):
        raise DatasetLayoutError(
            f"data root '{root}' not found: convert DRIVE's zips with {convert}, "
            'or set data_root in the config'
        )
    img_path, ann_path = osp.join(root, img_dir), osp.join(root, ann_dir)
    images = {s for s in _stems(img_path, '.png') if not s.endswith('_manual1')}
    if not images:
        raise DatasetLayoutError(
            f"no *.png in '{osp.normpath(img_path)}': run {convert}, or fix "
            'data_prefix.img_path in the config'
        )
    missing = images - _stems(ann_path, DRIVE_SEG_SUFFIX)
    if missing:
        raise DatasetLayoutError(
            f'{len(missing)} of {len(images)} images in {img_dir} have no *{DRIVE_SEG_SUFFIX} '
            f'in {ann_dir} (e.g. {sorted(missing)[0]}): run {convert}'
        )
    return len(images)


def _is_dataset(dataset_type, class_name: str) -> bool:
    if isinstance(dataset_type, str):
        return dataset_type.split('.')[-1] == class_name
    return any(cls.__name__ == class_name for cls in getattr(dataset_type, '__mro__', ()))


def _stems(folder: str, suffix: str) -> set[str]:
    """Paths under ``folder`` (recursive, relative) of files ending in ``suffix``, suffix cut."""
    stems = set()
    for dirpath, _, filenames in os.walk(folder, followlinks=True):
        rel = osp.relpath(dirpath, folder)
        for name in filenames:
            if name.endswith(suffix):
                stems.add(osp.normpath(osp.join(rel, name[: -len(suffix)])))
    return stems
