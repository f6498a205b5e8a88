"""Fail fast, in one line, when a converted dataset's files are not where a config says.

mmseg itself only notices a missing or half-converted Cityscapes copy deep
inside the dataloader (or silently trains on zero images); these checks run
before the runner is built. They only list file names, so they take well under
a second even on the full 5000-image dataset. Which datasets are checked, and
how, is each dataset's registered layout entry (:mod:`.layouts`).
"""

import os.path as osp

from attn_unet.errors import DatasetLayoutError

from .dataset_cfgs import leaf_dataset_cfgs
from .file_listing import list_folder
from .layouts import CITYSCAPES, DRIVE, SYNAPSE, LayoutEntry, find_layout

__all__ = [
    'check_cityscapes_layout',
    'check_dataset_cfg',
    'check_drive_layout',
    'check_synapse_layout',
]


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
    return _check_layout(CITYSCAPES, data_root, img_dir, ann_dir)


def check_synapse_layout(
    data_root,
    img_dir: str = 'img_dir/train',
    ann_dir: str = 'ann_dir/train',
    img_suffix: str = '.jpg',
) -> int:
    """Check that a Synapse copy is converted into mmseg's slice layout.

    The converter (``tools/dataset_converters/synapse.py``) writes
    ``img_dir/{split}/caseXXXX_sliceYYY.jpg`` (``.tiff`` with ``--context`` K > 1)
    and the same stems as ``.png`` under ``ann_dir/{split}``.

    Args:
        data_root: Converted root (``data/synapse``); ``img_dir`` and ``ann_dir``
            are relative to it unless absolute. Empty or None: used as given.
        img_dir: Folder of slice images.
        ann_dir: Folder of slice label maps.
        img_suffix: Suffix of the slice images.

    Returns:
        The number of slices found.

    Raises:
        DatasetLayoutError: With a one-line message naming what is missing and
            how to fix it.
    """
    return _check_layout(SYNAPSE.with_suffix(img_suffix), data_root, img_dir, ann_dir)


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
    return _check_layout(DRIVE, data_root, img_dir, ann_dir)


def check_dataset_cfg(dataset_cfg: dict, model_cfg: dict | None = None) -> None:
    """Run the layout check of every dataset in a dataset config that has a layout entry.

    Wrappers (``ConcatDataset`` with ``datasets``, ``RepeatDataset`` and the
    like with ``dataset``) are searched recursively; dataset types without a
    registered entry (:mod:`.layouts`) are left alone. Each set's data root is
    checked first, then its entry's own checks run (a Synapse set is held
    against its conversion record, :func:`~.ct_slices_check.check_ct_slices`:
    the config's ``img_suffix`` and, given ``model_cfg``, its input channels
    must fit the converted slices), then its folders are listed.

    Args:
        dataset_cfg: An mmseg dataset config, e.g. ``cfg.train_dataloader.dataset``.
        model_cfg: The config's ``model``, for the checks that compare it with the data.

    Raises:
        DatasetLayoutError: See :func:`check_cityscapes_layout`,
            :func:`check_drive_layout`, :func:`check_synapse_layout` and the entries' checks.
    """
    for leaf in leaf_dataset_cfgs(dataset_cfg):
        entry = find_layout(leaf.get('type'))
        if entry is None:
            continue
        entry = entry.for_config(leaf)
        _check_root(entry, leaf.get('data_root'))
        for check in entry.checks:
            check(leaf, model_cfg)
        prefix = leaf.get('data_prefix') or {}
        img_dir, ann_dir = prefix.get('img_path', ''), prefix.get('seg_map_path', '')
        _check_layout(entry, leaf.get('data_root'), img_dir, ann_dir)


def _fault(layout: LayoutEntry, root: str, problem: str, fix: str) -> DatasetLayoutError:
    """The one-line error of ``problem``, its ``fix`` template filled in for ``root``."""
    convert = f'{layout.converter} {root or "DATA_ROOT"}'
    fix = fix.format(convert=convert, parent=osp.dirname(root) or '.')
    return DatasetLayoutError(f'{problem}: {fix}')


def _check_root(layout: LayoutEntry, data_root) -> str:
    """The normalised data root, after checking that it is a folder (when one is given)."""
    root = osp.normpath(str(data_root)) if data_root else ''
    if root and osp.exists(root) and not osp.isdir(root):
        raise _fault(
            layout,
            root,
            f"data root '{root}' is a file, not a folder",
            f'point data_root in the config at the {layout.name} folder',
        )
    if root and not osp.isdir(root):
        raise _fault(layout, root, f"data root '{root}' not found", layout.no_root)
    return root


def _check_layout(layout: LayoutEntry, data_root, img_dir: str, ann_dir: str) -> int:
    """Check a copy step by step, raising the first fault with ``layout``'s fix for it."""
    root = _check_root(layout, data_root)

    def fault(problem: str, fix: str) -> DatasetLayoutError:
        return _fault(layout, root, problem, fix)

    where = f'under {root}' if root else 'in the working directory'
    img_path, ann_path = osp.join(root, img_dir), osp.join(root, ann_dir)
    if not osp.isdir(img_path):
        raise fault(f"no '{img_dir}' {where}", layout.no_img_dir)
    images = _stems(img_path, layout.img_suffix, unless=(layout.seg_suffix,))
    if not images:
        raise fault(f'no {layout.image_files} in {osp.normpath(img_path)}', layout.no_images)
    if not osp.isdir(ann_path):
        raise fault(f"no '{ann_dir}' {where}", layout.no_ann_dir)
    missing = images - _stems(ann_path, layout.seg_suffix)
    if missing:
        raise fault(
            f'{len(missing)} of {len(images)} {layout.items} in {img_dir} have no '
            f'{layout.seg_files} in {ann_dir} (e.g. {sorted(missing)[0]})',
            layout.unlabelled,
        )
    return len(images)


def _stems(folder: str, suffix: str, unless: tuple[str, ...] = ()) -> set[str]:
    """Paths under ``folder`` (recursive, relative) of files ending in ``suffix``, suffix cut.

    Files ending in any of ``unless`` are left out.
    """
    return {
        osp.normpath(name[: -len(suffix)])
        for name in list_folder(folder, f'data under {folder}')
        if name.endswith(suffix) and not name.endswith(unless)
    }
