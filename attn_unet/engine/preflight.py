"""What a run checks before any work, so that bad input fails in one line.

:meth:`AttnUNetRunner.from_cfg <attn_unet.engine.runner.AttnUNetRunner.from_cfg>`
runs the checks the config alone decides (input sizes, with the stage tuples the backbone
checks itself: :mod:`attn_unet.models.backbones.downsample_rate`) before the
model is built; :meth:`~attn_unet.engine.runner.AttnUNetRunner.preflight` runs the
data checks (:func:`check_datasets`) and reads the checkpoint before it trains or
tests. Each check raises a :class:`~attn_unet.errors.ToolError` whose message names
the problem and the fix.
"""

from typing import Iterable, List, Tuple

from attn_unet.datasets.dataset_cfgs import iter_transforms, split_dataset_cfgs
from attn_unet.datasets.file_listing import shared_listings
from attn_unet.datasets.integrity import check_data, check_layouts
from attn_unet.errors import ConfigValueError, ToolError
from attn_unet.models import CompactLabelSegDataPreProcessor
from attn_unet.models.backbones.downsample_rate import check_input_sizes_divisible
from attn_unet.registry import MODELS

__all__ = ['check_compact_labels', 'check_dataloaders', 'check_datasets', 'check_input_sizes']

CROPS = ('RandomCrop', 'RandomCropRotateScale')  # train transforms that fix the input size


def _split_transforms(cfg, split: str) -> Iterable[dict]:
    for dataset_cfg in split_dataset_cfgs(cfg, split):
        yield from iter_transforms(dataset_cfg.get('pipeline') or [])


def _input_sizes(cfg) -> List[Tuple[str, Tuple[int, int]]]:
    """``(where, (h, w))`` of every fixed size the model will be fed."""
    sizes = []
    for step in _split_transforms(cfg, 'train'):
        if step.get('type') in CROPS:
            sizes.append((f'train crop_size ({step["type"]})', tuple(step['crop_size'])))
    preprocessor = (cfg.get('model') or {}).get('data_preprocessor') or {}
    if preprocessor.get('size'):
        sizes.append(('model.data_preprocessor.size', tuple(preprocessor['size'])))
    test_cfg = (cfg.get('model') or {}).get('test_cfg') or {}
    if test_cfg.get('mode') == 'slide':
        # Sliding windows feed the model crop_size tiles only, whatever the image size.
        sizes.append(('model.test_cfg.crop_size (slide)', tuple(test_cfg['crop_size'])))
        return sizes
    for split in ('val', 'test'):
        for step in _split_transforms(cfg, split):
            scale = step.get('scale')
            if step.get('type') == 'Resize' and isinstance(scale, (tuple, list)):
                # mmcv's Resize takes (w, h).
                sizes.append((f'{split} Resize scale', (scale[1], scale[0])))
    return sizes


def check_input_sizes(cfg) -> None:
    """Refuse crop / test sizes the backbone cannot take
    (:func:`~attn_unet.models.backbones.downsample_rate.check_input_sizes_divisible`).

    Raises:
        ToolError: the backbone's own check of its arguments (stage tuples) failed.
        InputSizeError: naming the size, the rate and the nearest valid size.
    """
    check_input_sizes_divisible(cfg.get('model') or {}, _input_sizes(cfg))


def check_compact_labels(cfg) -> None:
    """Refuse training on uint8 labels that no preprocessor widens for the loss.

    ``PackCompactSegInputs`` hands labels over as uint8; ``F.cross_entropy`` takes int64
    only, and would say so in a traceback at the first iteration.

    Raises:
        ConfigValueError: the train pipeline packs compactly and ``model.data_preprocessor``
            is no ``CompactLabelSegDataPreProcessor``; naming both fixes.
    """
    train_steps = _split_transforms(cfg, 'train')
    if not any(step.get('type') == 'PackCompactSegInputs' for step in train_steps):
        return
    kind = ((cfg.get('model') or {}).get('data_preprocessor') or {}).get('type')
    found = MODELS.get(kind) if isinstance(kind, str) else kind
    if isinstance(found, type) and issubclass(found, CompactLabelSegDataPreProcessor):
        return
    raise ConfigValueError(
        f'the train pipeline packs labels as uint8 (PackCompactSegInputs) but '
        f'model.data_preprocessor.type {kind!r} does not widen them for the loss: set '
        "model.data_preprocessor.type='CompactLabelSegDataPreProcessor', or pack with "
        "'PackSegInputs'"
    )


def check_dataloaders(cfg) -> None:
    """Refuse dataloader settings torch rejects only when the loader is built, mid-run.

    ``persistent_workers=True`` needs ``num_workers > 0``: an override of one without the
    other (``--cfg-options val_dataloader.num_workers=0``) otherwise ends in a traceback
    after training has started.

    Raises:
        ToolError: naming the dataloader and both fixes.
    """
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader') or {}
        if loader.get('persistent_workers') and not loader.get('num_workers'):
            raise ToolError(
                f'{split}_dataloader has persistent_workers=True with num_workers='
                f'{loader.get("num_workers", 0)}: set {split}_dataloader.persistent_workers=False '
                f'or give it num_workers > 0'
            )


def check_datasets(cfg, mode: str) -> None:
    """Run the layout and file checks on the dataloaders ``mode`` will use.

    Args:
        cfg: the full config.
        mode: ``'train'`` (train, plus val when a val loop is set), ``'val'``
            or ``'test'``.

    Raises:
        DatasetLayoutError: one line naming the missing folder or files.
    """
    with shared_listings():  # the layout and the file check walk each folder once
        check_layouts(cfg, mode)
        check_data(cfg, mode)
