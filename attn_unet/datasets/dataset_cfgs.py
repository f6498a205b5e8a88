"""Walk the dataset and pipeline configs of a run: the one place that knows their nesting.

A dataloader's ``dataset`` may wrap the real ones (``RepeatDataset`` with ``dataset``,
``ConcatDataset`` with ``datasets``), and a pipeline may nest transforms (``TestTimeAug``
with ``transforms``, lists of lists). The layout check, the file check and the size check
all read through these functions.
"""

from typing import Iterable, Iterator, List

__all__ = [
    'data_check_splits',
    'find_transform',
    'iter_transforms',
    'leaf_dataset_cfgs',
    'split_dataset_cfgs',
    'transform_type',
]

SPLITS = ('train', 'val', 'test')


def leaf_dataset_cfgs(dataset_cfg) -> Iterator[dict]:
    """The datasets inside ``dataset_cfg``, wrappers (``dataset`` / ``datasets``) unwrapped."""
    if not isinstance(dataset_cfg, dict):
        return
    children = list(dataset_cfg.get('datasets') or [])
    if isinstance(dataset_cfg.get('dataset'), dict):
        children.append(dataset_cfg['dataset'])
    if not children:
        yield dataset_cfg
    for child in children:
        yield from leaf_dataset_cfgs(child)


def data_check_splits(cfg, mode: str) -> List[str]:
    """Dataloader splits a run in ``mode`` reads: train (plus val when a val loop is set)."""
    if mode not in SPLITS:
        raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
    if mode == 'train':
        return ['train', 'val'] if cfg.get('val_cfg') and cfg.get('val_dataloader') else ['train']
    return [mode]


def split_dataset_cfgs(cfg, split: str) -> List[dict]:
    """The leaf dataset configs of ``cfg.<split>_dataloader`` ([] when it has none)."""
    dataloader = cfg.get(f'{split}_dataloader')
    if not isinstance(dataloader, dict):
        return []
    return list(leaf_dataset_cfgs(dataloader.get('dataset')))


def transform_type(step: dict) -> str:
    """A transform config's type name, whether given as a string or a class."""
    kind = step.get('type')
    return kind if isinstance(kind, str) else getattr(kind, '__name__', '')


def iter_transforms(pipeline) -> Iterator[dict]:
    """Every transform config of ``pipeline``, nested ones (``TestTimeAug``) included, in order."""
    steps: Iterable = pipeline if isinstance(pipeline, (list, tuple)) else [pipeline]
    for step in steps:
        if isinstance(step, (list, tuple)):
            yield from iter_transforms(step)
        elif isinstance(step, dict):
            yield step
            yield from iter_transforms(step.get('transforms') or [])


def find_transform(pipeline, name_part: str) -> dict:
    """The first transform config whose type name contains ``name_part`` ({} if none)."""
    return next((s for s in iter_transforms(pipeline) if name_part in transform_type(s)), {})
