"""Fail fast, in one line, when Cityscapes, DRIVE or Synapse files are not where a config says.

mmseg itself only notices a missing or half-converted Cityscapes copy deep
inside the dataloader (or silently trains on zero images); these checks run
before the runner is built. They only list file names, so they take well under
a second even on the full 5000-image dataset.
"""

import os.path as osp
from dataclasses import dataclass, replace

from attn_unet.errors import DatasetLayoutError
from attn_unet.registry import DATASETS

from .ct_slices_check import check_ct_slices
from .dataset_cfgs import leaf_dataset_cfgs
from .file_listing import list_folder

__all__ = [
    'check_cityscapes_layout',
    'check_dataset_cfg',
    'check_drive_layout',
    'check_synapse_layout',
]


@dataclass(frozen=True)
class DatasetLayout:
    """Where a dataset's converted files lie, and the fix for each way they can be wrong.

    ``name`` is the mmseg class name less ``Dataset``. ``items``, ``img_files`` and
    ``seg_files`` name the images and their files in messages. The fixes (``no_*``,
    ``unlabelled``) are ``str.format`` templates of ``{convert}``, the converter run on the data
    root, and ``{parent}``, the data root's folder. A file ending in ``seg_suffix`` is never an
    image, even where images and labels share a folder.
    """

    name: str
    img_suffix: str
    seg_suffix: str
    img_files: str
    seg_files: str
    converter: str
    no_root: str
    no_images: str
    items: str = 'images'
    no_img_dir: str = 'run {convert}, or fix data_prefix.img_path in the config'
    no_ann_dir: str = 'run {convert}, or fix data_prefix.seg_map_path in the config'
    unlabelled: str = 'run {convert}'


CITYSCAPES = DatasetLayout(
    name='Cityscapes',
    img_suffix='_leftImg8bit.png',
    seg_suffix='_gtFine_labelTrainIds.png',
    img_files='*_leftImg8bit.png',
    seg_files='*_gtFine_labelTrainIds.png',
    converter='python3 tools/dataset_converters/cityscapes.py',
    no_root='link your Cityscapes copy there (ln -s /path/to/cityscapes {parent}/) '
    'or set data_root in the config',
    no_img_dir='unzip leftImg8bit_trainvaltest.zip from cityscapes-dataset.com into the data '
    'root, or fix data_prefix.img_path in the config',
    no_images='it should hold one folder per city of Cityscapes images; check data_root and '
    'data_prefix.img_path in the config',
    no_ann_dir='unzip gtFine_trainvaltest.zip from cityscapes-dataset.com into the data root '
    'and run {convert}, or fix data_prefix.seg_map_path in the config',
)
SYNAPSE = DatasetLayout(
    name='Synapse',
    img_suffix='.jpg',
    seg_suffix='.png',
    img_files='caseXXXX_sliceYYY.jpg',
    seg_files='.png label',
    converter='python3 tools/dataset_converters/synapse.py RAW_DIR --save-path',
    no_root='convert the raw Synapse volumes with {convert} (or generate a phantom: '
    'python3 demo/generate_synapse_phantom.py RAW_DIR), or set data_root in the config',
    no_images='run {convert}',
    items='slices',
    unlabelled='rerun {convert}',
)
DRIVE = DatasetLayout(
    name='DRIVE',
    img_suffix='.png',
    seg_suffix='_manual1.png',
    img_files='*.png',
    seg_files='*_manual1.png',
    converter='python3 tools/dataset_converters/drive.py training.zip test.zip -o',
    no_root="convert DRIVE's zips with {convert}, or set data_root in the config",
    no_images='run {convert}, or fix data_prefix.img_path in the config',
)
_LAYOUTS = {f'{layout.name}Dataset': layout for layout in (CITYSCAPES, DRIVE, SYNAPSE)}


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
    return _check_layout(_synapse_layout(img_suffix), data_root, img_dir, ann_dir)


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
    """Run the layout check of every Cityscapes, DRIVE or Synapse set in a dataset config.

    Wrappers (``ConcatDataset`` with ``datasets``, ``RepeatDataset`` and the
    like with ``dataset``) are searched recursively; other dataset types are
    left alone. A Synapse set is first held against its conversion record
    (:func:`~.ct_slices_check.check_ct_slices`): the config's ``img_suffix``
    and, given ``model_cfg``, its input channels must fit the converted slices.

    Args:
        dataset_cfg: An mmseg dataset config, e.g. ``cfg.train_dataloader.dataset``.
        model_cfg: The config's ``model``, for the Synapse input channels.

    Raises:
        DatasetLayoutError: See :func:`check_cityscapes_layout`,
            :func:`check_drive_layout`, :func:`check_synapse_layout` and
            :func:`~.ct_slices_check.check_ct_slices`.
    """
    for leaf in leaf_dataset_cfgs(dataset_cfg):
        prefix = leaf.get('data_prefix') or {}
        for class_name, layout in _LAYOUTS.items():
            if _is_dataset(leaf.get('type'), class_name):
                img_dir, ann_dir = prefix.get('img_path', ''), prefix.get('seg_map_path', '')
                if layout is SYNAPSE:
                    img_suffix = leaf.get('img_suffix') or SYNAPSE.img_suffix
                    _check_root(layout, leaf.get('data_root'))
                    check_ct_slices(leaf.get('data_root'), img_suffix, model_cfg)
                    layout = _synapse_layout(img_suffix)
                _check_layout(layout, leaf.get('data_root'), img_dir, ann_dir)
                break


def _synapse_layout(img_suffix: str) -> DatasetLayout:
    return replace(SYNAPSE, img_suffix=img_suffix, img_files=f'caseXXXX_sliceYYY{img_suffix}')


def _fault(layout: DatasetLayout, root: str, problem: str, fix: str) -> DatasetLayoutError:
    """The one-line error of ``problem``, its ``fix`` template filled in for ``root``."""
    convert = f'{layout.converter} {root or "DATA_ROOT"}'
    fix = fix.format(convert=convert, parent=osp.dirname(root) or '.')
    return DatasetLayoutError(f'{problem}: {fix}')


def _check_root(layout: DatasetLayout, data_root) -> str:
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


def _check_layout(layout: DatasetLayout, data_root, img_dir: str, ann_dir: str) -> int:
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
        raise fault(f'no {layout.img_files} in {osp.normpath(img_path)}', layout.no_images)
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


def _is_dataset(dataset_type, class_name: str) -> bool:
    """Whether a config's ``type`` (a name or a class) is ``class_name`` or a subclass of it."""
    if isinstance(dataset_type, str):
        name = dataset_type.split('.')[-1]
        if name == class_name:
            return True
        dataset_type = DATASETS.get(name)
    return any(cls.__name__ == class_name for cls in getattr(dataset_type, '__mro__', ()))


def _stems(folder: str, suffix: str, unless: tuple[str, ...] = ()) -> set[str]:
    """Paths under ``folder`` (recursive, relative) of files ending in ``suffix``, suffix cut.

    Files ending in any of ``unless`` are left out.
    """
    return {
        osp.normpath(name[: -len(suffix)])
        for name in list_folder(folder, f'data under {folder}')
        if name.endswith(suffix) and not name.endswith(unless)
    }
