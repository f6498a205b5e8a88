"""A dataset pipeline followed by a check of the label ids it made: outside the classes, one line.

The data check before a run (:mod:`attn_unet.datasets.integrity`) reads every label file as
it lies on disk; :func:`guard_label_ids` wraps each pipeline of a dataset in
:class:`LabelIdCheck`, so what a transform makes is checked too, in the loader's workers,
naming the label file (``engine.hooks.LabelIdGuardHook`` does it for every loop).
"""

from typing import Iterator, List

import torch

from attn_unet.errors import DataIntegrityError

__all__ = ['LabelIdCheck', 'guard_label_ids', 'outside_ids']

DEFAULT_IGNORE_INDEX = 255
_SHOWN_IDS = 5


def outside_ids(labels: torch.Tensor, num_classes: int, ignore_index: int) -> List[int]:
    """The sorted ids of ``labels`` (any shape, integer) that are no class and not ignored.

    One pass (min and max) when every id is a class; a histogram otherwise.
    """
    low, high = (int(v) for v in torch.aminmax(labels))
    if low >= 0 and high < num_classes:
        return []
    if low >= 0 and high <= 255:  # the 8-bit labels every dataset here has: one histogram
        counts = torch.bincount(labels.reshape(-1), minlength=256)
        counts[:num_classes] = 0
        if 0 <= ignore_index <= 255:
            counts[ignore_index] = 0
        return counts.nonzero().view(-1).tolist()
    outside = ((labels < 0) | (labels >= num_classes)) & (labels != ignore_index)
    return torch.unique(labels[outside]).tolist()


class LabelIdCheck:
    """A dataset pipeline followed by the label-id check of what it made.

    Args:
        pipeline: the dataset's pipeline (a callable on a data info dict).
        num_classes: the dataset's classes; ids ``0 .. num_classes - 1`` are allowed.
        ignore_index: the dataset's ignore index, allowed too.

    Raises (when called):
        DataIntegrityError: a packed sample's ``gt_sem_seg`` (1, H, W) holds other ids,
            naming its ``seg_map_path``.
    """

    def __init__(self, pipeline, num_classes: int, ignore_index: int) -> None:
        self.pipeline = pipeline
        self.num_classes = num_classes
        self.ignore_index = ignore_index

    def __call__(self, results: dict):
        packed = self.pipeline(results)
        if isinstance(packed, dict):
            for sample in _packed_samples(packed.get('data_samples')):
                self._check(sample)
        return packed

    def _check(self, sample) -> None:
        if 'gt_sem_seg' not in sample:
            return
        ids = outside_ids(sample.gt_sem_seg.data, self.num_classes, self.ignore_index)
        if not ids:
            return
        shown = ', '.join(map(str, ids[:_SHOWN_IDS])) + (', ...' if len(ids) > _SHOWN_IDS else '')
        path = sample.metainfo.get('seg_map_path', 'a label')
        raise DataIntegrityError(
            f'{path} has ids {shown} outside the {self.num_classes} classes and ignore index '
            f'{self.ignore_index} as the pipeline makes it (changed after the data check, or '
            'made by a transform): map them to a class or to the ignore index, then rerun '
            'tools/misc/check_dataset.py'
        )

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.pipeline!r})'


def guard_label_ids(dataset) -> int:
    """Wrap the pipeline of every dataset inside ``dataset`` (wrappers included) in the check.

    Datasets whose classes are unknown, and pipelines already wrapped, are left alone.

    Returns:
        How many pipelines were wrapped.
    """
    wrapped = 0
    for leaf in _leaf_datasets(dataset):
        pipeline = getattr(leaf, 'pipeline', None)
        classes = (getattr(leaf, 'metainfo', None) or {}).get('classes') or ()
        if pipeline is None or isinstance(pipeline, LabelIdCheck) or not classes:
            continue
        ignore_index = getattr(leaf, 'ignore_index', DEFAULT_IGNORE_INDEX)
        leaf.pipeline = LabelIdCheck(pipeline, len(classes), ignore_index)
        wrapped += 1
    return wrapped


def _leaf_datasets(dataset) -> Iterator:
    inner = getattr(dataset, 'datasets', None)
    if inner is None and hasattr(dataset, 'dataset'):
        inner = [dataset.dataset]
    if inner is None:
        yield dataset
        return
    if hasattr(dataset, 'pipeline'):  # a mixing wrapper (MultiImageMixDataset) has its own
        yield dataset
    for child in inner:
        yield from _leaf_datasets(child)


def _packed_samples(data_samples) -> list:
    if data_samples is None:
        return []
    return list(data_samples) if isinstance(data_samples, (list, tuple)) else [data_samples]
