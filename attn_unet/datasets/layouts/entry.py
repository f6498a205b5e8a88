"""A dataset layout as a registered entry: where a converter puts its files, keyed by dataset type.

The layout check (:func:`attn_unet.datasets.check_dataset_cfg`) looks a config's dataset
``type`` up here. An entry declares what the converted folder holds (image and label suffixes,
what to call them in messages), the converter that writes it, the fix for each way the folder
can be wrong, and its own extra checks (a Synapse set is held against its conversion record).
Adding a dataset is one :func:`register_layout` call beside its converter; see
``docs/en/develop.md``.
"""

from dataclasses import dataclass, replace
from typing import Callable, Dict, Tuple

from attn_unet.registry import DATASETS

__all__ = ['LAYOUTS', 'LayoutEntry', 'find_layout', 'register_layout']


@dataclass(frozen=True)
class LayoutEntry:
    """Where a dataset's converted files lie, and the fix for each way they can be wrong.

    Args:
        dataset_type: The mmseg dataset class the entry serves (``'CityscapesDataset'``);
            configs of that class and of its subclasses are checked with it.
        name: The dataset in messages (``'Cityscapes'``).
        img_suffix: Suffix of the images; with ``suffix_from_config`` the default only.
        seg_suffix: Suffix of the label maps. A file ending in it is never an image, even
            where images and labels share a folder.
        img_files: The images in messages; ``{img_suffix}`` is filled in.
        seg_files: The label maps in messages.
        converter: The converter's command line, ending where the data root goes.
        no_root, no_images, no_img_dir, no_ann_dir, unlabelled: The fix for a missing data
            root, an image folder without images, a missing image or label folder, and
            images without labels: ``str.format`` templates of ``{convert}`` (the converter
            run on the data root) and ``{parent}`` (the data root's folder).
        items: What the images are called in counts (``'images'``, ``'slices'``).
        suffix_from_config: Whether the config's ``img_suffix`` names the images (a Synapse
            set holds ``.jpg`` or ``.tiff`` slices).
        checks: Extra checks ``check(dataset_cfg, model_cfg)``, run after the data root is
            found and before the folders are listed; each raises ``DatasetLayoutError``.
    """

    dataset_type: str
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
    suffix_from_config: bool = False
    checks: Tuple[Callable[[dict, dict | None], None], ...] = ()

    def with_suffix(self, img_suffix: str) -> 'LayoutEntry':
        """This entry for images ending in ``img_suffix``."""
        return replace(self, img_suffix=img_suffix)

    def for_config(self, dataset_cfg: dict) -> 'LayoutEntry':
        """This entry as a dataset config reads it (its ``img_suffix`` when the entry says so)."""
        if self.suffix_from_config:
            return self.with_suffix(dataset_cfg.get('img_suffix') or self.img_suffix)
        return self

    @property
    def image_files(self) -> str:
        """``img_files`` with the image suffix filled in."""
        return self.img_files.format(img_suffix=self.img_suffix)


LAYOUTS: Dict[str, LayoutEntry] = {}


def register_layout(entry: LayoutEntry) -> LayoutEntry:
    """Add ``entry`` to :data:`LAYOUTS` under its ``dataset_type``; returns it.

    Raises:
        ValueError: Another entry already serves that dataset type.
    """
    if entry.dataset_type in LAYOUTS and LAYOUTS[entry.dataset_type] != entry:
        raise ValueError(f'a layout entry for {entry.dataset_type} is already registered')
    LAYOUTS[entry.dataset_type] = entry
    return entry


def find_layout(dataset_type) -> LayoutEntry | None:
    """The entry of a config's ``type`` (a name, ``scope.Name`` or a class), or None.

    A subclass of a registered dataset type (``SynapseSliceDataset`` of
    ``SynapseDataset``) takes its base's entry; entries are tried in registration order.
    """
    for class_name, entry in LAYOUTS.items():
        if _is_dataset(dataset_type, class_name):
            return entry
    return None


def _is_dataset(dataset_type, class_name: str) -> bool:
    """Whether a config's ``type`` (a name or a class) is ``class_name`` or a subclass of it."""
    if isinstance(dataset_type, str):
        name = dataset_type.split('.')[-1]
        if name == class_name:
            return True
        dataset_type = DATASETS.get(name)
    return any(cls.__name__ == class_name for cls in getattr(dataset_type, '__mro__', ()))
