"""A batch crosses from a loader worker to the training process as one shared buffer.

torch hands each tensor of a batch over through its own shared-memory segment: one file
descriptor fetched from the worker per tensor (eight for four images and their labels),
and the segment's pages freed by whichever process lets go of it last, which is the
training process, between two steps. :func:`shared_batch_collate` copies the batch, in the
worker, into one shared-memory buffer (one descriptor per batch) and keeps the worker's
own reference to its last ``keep`` buffers, so that the pages are freed in the worker,
which lets go after the training process has.
"""

import collections
from typing import Iterator, Sequence, Tuple

import torch
from mmengine.dataset import pseudo_collate
from mmengine.structures import BaseDataElement
from torch.utils.data import get_worker_info

from attn_unet.registry import FUNCTIONS

__all__ = ['shared_batch_collate']

_ALIGNMENT = 64  # bytes; every tensor's view starts on a cache line
_kept_buffers = collections.deque()  # this worker's last buffers, the oldest first


@FUNCTIONS.register_module()
def shared_batch_collate(data_batch: Sequence[dict], keep: int = 4) -> dict:
    """mmengine's ``pseudo_collate``, with every tensor of the batch in one shared buffer.

    Args:
        data_batch: the samples, each ``dict(inputs=(C, H, W) tensor, data_samples=...)``.
        keep: buffers each worker keeps after handing them over. The training process
            holds the batch it trains on and the loader has up to ``prefetch_factor`` per
            worker in flight; with ``keep`` at least ``prefetch_factor + 2`` (default 2 + 2)
            the worker frees each buffer after the training process. Shared memory in use:
            ``num_workers * keep`` batches.

    Returns:
        ``pseudo_collate``'s batch: ``inputs``, a list of (C, H, W) tensors, and the data
        samples, every tensor (labels included) a view of one buffer. In the training
        process itself (``num_workers=0``) the batch is ``pseudo_collate``'s, untouched.
    """
    batch = pseudo_collate(data_batch)
    if get_worker_info() is None:
        return batch
    slots = list(_tensor_slots(batch))
    spans, size = [], 0  # (start, end) in bytes of each tensor's view
    for _, _, tensor in slots:
        start = -(-size // _ALIGNMENT) * _ALIGNMENT
        size = start + tensor.numel() * tensor.element_size()
        spans.append((start, size))
    buffer = torch.empty(size, dtype=torch.uint8).share_memory_()
    for (owner, key, tensor), (start, end) in zip(slots, spans):
        view = buffer[start:end].view(tensor.dtype).view(tensor.shape)
        view.copy_(tensor)
        if isinstance(owner, BaseDataElement):
            setattr(owner, key, view)
        else:
            owner[key] = view
    _kept_buffers.append(buffer)
    while len(_kept_buffers) > keep:
        _kept_buffers.popleft()
    return batch


def _tensor_slots(batch: dict) -> Iterator[Tuple[object, object, torch.Tensor]]:
    """``(owner, key, tensor)`` for every CPU tensor of the batch: inputs and data samples'
    fields (``gt_sem_seg.data`` (1, H, W) and any other tensor a data element holds)."""
    inputs = batch.get('inputs')
    if isinstance(inputs, list):
        for i, tensor in enumerate(inputs):
            if torch.is_tensor(tensor):
                yield inputs, i, tensor
    for sample in batch.get('data_samples') or []:
        if isinstance(sample, BaseDataElement):
            yield from _element_slots(sample)


def _element_slots(element: BaseDataElement) -> Iterator[Tuple[object, object, torch.Tensor]]:
    for key, value in element.items():
        if torch.is_tensor(value) and value.device.type == 'cpu':
            yield element, key, value
        elif isinstance(value, BaseDataElement):
            yield from _element_slots(value)
