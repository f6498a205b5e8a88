"""The dataset-specific part of prediction: how a checkpoint's training volumes became slices.

Prediction is one pipeline (:mod:`.pipeline`) for every checkpoint; what differs is a small
strategy object, chosen from what the checkpoint records about its training data
(``meta['dataset_meta']``, read without loading the weights):

- a converter's slice plan (``volume_slices``: a Decathlon / nnU-Net set) gives
  :class:`~.plan_slicing.PlanSlicing`;
- anything else (``ct_slices``: a Synapse set, or a 2D model) gives
  :class:`~.synapse_slicing.SynapseSlicing`, mmseg's Synapse slicing.

A slicing says which channels a volume must hold, how its channel files are grouped into
cases, which DICOM modalities and which options it takes, how a volume's voxels become the
network's slice images and how the predicted slices come back onto the volume's grid, and
what label values are written.
"""

from typing import Callable, Iterator, List, Protocol, Sequence

import numpy as np

from attn_unet.volumes import CaseFiles

__all__ = ['VolumeSlicing', 'checkpoint_dataset_meta', 'checkpoint_meta', 'slicing_for']


class VolumeSlicing(Protocol):
    """What :mod:`.pipeline` asks of a checkpoint's slicing.

    Attributes:
        name: how messages name the checkpoint's kind.
        modalities: the channel each volume must hold, by modality (``('CT',)``).
        read_dtype: the dtype the converter read training voxels as (so a scan is read so).
        reads_images: whether 2D image files are taken too.
        dicom_modalities: which DICOM series modalities it reads (empty: none).
        label_ids: the record's name for the written values (``'synapse'``, ``'dataset'``).
        classes: the model's class names, class id order.
    """

    name: str
    modalities: tuple
    read_dtype: type
    reads_images: bool
    dicom_modalities: tuple
    label_ids: str
    classes: List[str]

    def check_options(self, options) -> None:
        """Refuse, in one line, an option that makes no sense for this checkpoint."""

    def check_model(self, model, options) -> None:
        """Take the loaded model's classes; refuse an option that does not fit them."""

    def cases(self, files: Sequence[str]) -> List[CaseFiles]:
        """NIfTI ``files`` as the cases they form."""

    def slice_images(self, channels: np.ndarray, affine: np.ndarray) -> tuple[Iterator, int]:
        """``(images, count)``: the network's inputs for ``channels`` ``(C, X, Y, Z)``."""

    def to_volume(self, slices: np.ndarray, affine: np.ndarray) -> np.ndarray:
        """Per-slice maps ``(Z, H, W, ...)`` -> ``(X, Y, Z, ...)`` in the volume's stored order."""

    def label_values(self, ids: np.ndarray) -> np.ndarray:
        """Class ids -> the label values written (uint8 or uint16)."""

    def class_values(self) -> dict:
        """``{class name: written value}``."""

    def image_ids(self) -> Callable | None:
        """What maps an image's class ids to the written ones (None: as they are)."""

    def preprocessing(self, affine: np.ndarray) -> dict:
        """How a volume with ``affine`` was cut, for the record."""


def checkpoint_meta(checkpoint: str) -> dict:
    """``meta`` of a checkpoint (``{}`` for a bare state dict).

    Only the checkpoint's meta is read: its tensors are memory-mapped, not loaded (the model's
    load reads them, once). A file torch cannot map (a missing, damaged or pre-zip one) is
    read by the engine's loader instead, which refuses the bad ones in one line.

    Raises:
        CheckpointError: the file is missing or cannot be read (one line).
    """
    import torch

    from attn_unet.checkpoints import load_checkpoint_file

    try:
        ckpt = torch.load(checkpoint, map_location='cpu', weights_only=True, mmap=True)
    except Exception:  # torch raises several types; the loader names the problem
        ckpt = load_checkpoint_file(checkpoint, 'test')
    if not isinstance(ckpt, dict) or 'state_dict' not in ckpt:
        return {}
    return dict(ckpt.get('meta') or {})


def checkpoint_dataset_meta(checkpoint: str) -> dict:
    """``meta['dataset_meta']`` of a checkpoint (``{}`` for a bare state dict); see
    :func:`checkpoint_meta`."""
    return dict(checkpoint_meta(checkpoint).get('dataset_meta') or {})


def slicing_for(checkpoint: str, options) -> VolumeSlicing:
    """The slicing of ``checkpoint``'s training data, its options checked.

    Raises:
        ToolError: an option that makes no sense for this checkpoint; a checkpoint that
            cannot be read.
    """
    from .plan_slicing import RECORD_KEY, PlanSlicing
    from .synapse_slicing import SynapseSlicing

    meta = checkpoint_dataset_meta(checkpoint)
    if meta.get(RECORD_KEY):
        slicing = PlanSlicing.from_record(meta[RECORD_KEY])
    else:
        slicing = SynapseSlicing(meta.get('ct_slices') or {}, options)
    slicing.check_options(options)
    return slicing
