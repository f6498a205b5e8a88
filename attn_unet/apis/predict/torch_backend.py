"""The pytorch backend: a config and checkpoint (or an ensemble of them), loaded by mmseg, run
by torch.

What :func:`~.pipeline.predict` asks of a backend (:mod:`.backends`): the slicing, the mirror
axes of ``--tta``, the first line naming the device, what the record names as its sources,
and, once the inputs are checked, the segmentor. Several checkpoints of one config, or the
folds of a cross-validation folder, are one ensemble (:mod:`.ensemble`: their softmax
averaged); each member is held to the first one's slicing and classes.
"""

import os.path as osp
from typing import List

import torch

from attn_unet.errors import ToolError
from attn_unet.version import __version__
from attn_unet.volumes.dicom import SegAlgorithm

from ..segmentor import load_segmentor
from .device import torch_device
from .ensemble import (
    EnsembleSegmentor,
    Member,
    check_members_agree,
    check_slicings_agree,
    resolve_members,
)
from .intensity_check import expected_ranges
from .postprocess import check_postprocess_option
from .slice_segmentor import build_slice_segmentor
from .slicing import checkpoint_meta, slicing_for
from .tta_policy import check_tta

__all__ = ['TorchBackend']


class TorchBackend:
    """A checkpoint (or an ensemble) on torch, its options checked before any input is read.

    Args:
        config: the config the checkpoint(s) were trained with, or a cross-validation folder.
        checkpoint: a checkpoint file, a list of them, or None (a cross-validation folder).
        options: the command line's options.

    Raises:
        ToolError: a bad ``--device``, an option the checkpoint does not take, ``--tta flip``
            for a model trained without mirroring, an unreadable checkpoint, ensemble
            members that disagree, an option an ensemble cannot take.
    """

    def __init__(self, config: str, checkpoint, options) -> None:
        self.options = options
        self.members, self.cv_folder = resolve_members(config, checkpoint)
        _check_ensemble_options(self.members, options)
        check_postprocess_option(options.postprocess, self.cv_folder)
        cuda = torch.cuda
        self.device, self.device_line = torch_device(options.device, cuda.is_available(),
                                                     cuda.device_count())  # fmt: skip
        slicings = [slicing_for(member.checkpoint, options) for member in self.members]
        check_slicings_agree(slicings, self.members)
        self.slicing = slicings[0]
        first = self.members[0]
        self.meta = checkpoint_meta(first.checkpoint)
        self.dataset_meta = dict(self.meta.get('dataset_meta') or {})  # classes, palette
        self.mirror_axes = check_tta(options, self.meta, first.config)
        record = _slicing_record(self.meta)
        self.intensity_ranges = expected_ranges(self.slicing, record.get('intensity_range'))
        self.sources = _sources(self.members, options)
        self.algorithm = _algorithm(self.members)

    def segmentor(self):
        """The model(s) loaded on the device, held to the slicing and the options: one
        :class:`~.slice_segmentor.SliceSegmentor`, or the ensemble of several."""
        models = [load_segmentor(m.config, m.checkpoint, self.device) for m in self.members]
        self.slicing.check_model(models[0], self.options)
        check_members_agree(models, self.members)
        model = models[0]
        if self.options.save_attention and not len(getattr(model.backbone, 'attention_gates', ())):
            raise ToolError(
                f"--save-attention writes the attention gates' coefficients, and this model "
                f'({type(model.backbone).__name__}) has no gated stage: drop --save-attention'
            )
        segmentors = [build_slice_segmentor(m, 'pytorch', None, self.options.fast)
                      for m in models]  # fmt: skip
        return segmentors[0] if len(segmentors) == 1 else EnsembleSegmentor(segmentors)


def _check_ensemble_options(members: List[Member], options) -> None:
    """Refuse options that need one model when several are given."""
    if len(members) > 1 and options.save_attention:
        raise ToolError(
            f"--save-attention writes one model's gate coefficients, and {len(members)} models "
            'are given: pass one checkpoint with --save-attention, or drop it'
        )


def _sources(members: List[Member], options) -> dict:
    """The record's ``config`` and ``checkpoint``: a path each, or a list for an ensemble."""
    if len(members) == 1:
        config, checkpoint = members[0].config, members[0].checkpoint
    else:
        config, checkpoint = [m.config for m in members], [m.checkpoint for m in members]
    return dict(config=config, checkpoint=checkpoint, backend='pytorch', fast=options.fast)


def _algorithm(members: List[Member]) -> SegAlgorithm:
    """The SEG's algorithm: attn-unet, the config's name as the model, the files recorded."""
    config, checkpoint = members[0].config, members[0].checkpoint
    parameters = dict(config=osp.basename(config), checkpoint=osp.basename(checkpoint))
    if len(members) > 1:
        parameters['ensemble'] = f'{len(members)} checkpoints, softmax averaged'
    return SegAlgorithm(
        name='attn-unet',
        version=__version__,
        source=osp.splitext(osp.basename(config))[0],
        parameters=parameters,
    )


def _slicing_record(meta: dict) -> dict:
    dataset_meta = meta.get('dataset_meta') or {}
    return dict(dataset_meta.get('volume_slices') or dataset_meta.get('ct_slices') or {})
