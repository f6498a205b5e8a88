"""The pytorch backend: a config and checkpoint, loaded by mmseg, run by torch.

What :func:`~.pipeline.predict` asks of a backend (:mod:`.backends`): the slicing, the mirror
axes of ``--tta``, the first line naming the device, what the record names as its sources,
and, once the inputs are checked, the segmentor.
"""

import os.path as osp

import torch

from attn_unet.errors import ToolError
from attn_unet.version import __version__
from attn_unet.volumes.dicom import SegAlgorithm

from ..segmentor import load_segmentor
from .device import torch_device
from .intensity_check import expected_ranges
from .slice_segmentor import SliceSegmentor, build_slice_segmentor
from .slicing import checkpoint_meta, slicing_for
from .tta_policy import check_tta

__all__ = ['TorchBackend']


class TorchBackend:
    """A checkpoint on torch, its options checked before any input is read.

    Raises:
        ToolError: a bad ``--device``, an option the checkpoint does not take, ``--tta flip``
            for a model trained without mirroring, an unreadable checkpoint.
    """

    def __init__(self, config: str, checkpoint: str, options) -> None:
        self.config, self.checkpoint, self.options = config, checkpoint, options
        cuda = torch.cuda
        self.device, self.device_line = torch_device(options.device, cuda.is_available(),
                                                     cuda.device_count())  # fmt: skip
        self.slicing = slicing_for(checkpoint, options)
        self.meta = checkpoint_meta(checkpoint)
        self.mirror_axes = check_tta(options, self.meta, config)
        record = _slicing_record(self.meta)
        self.intensity_ranges = expected_ranges(self.slicing, record.get('intensity_range'))
        self.sources = dict(config=config, checkpoint=checkpoint, backend='pytorch',
                            fast=options.fast)  # fmt: skip
        self.algorithm = SegAlgorithm(
            name='attn-unet',
            version=__version__,
            source=osp.splitext(osp.basename(config))[0],
            parameters=dict(config=osp.basename(config), checkpoint=osp.basename(checkpoint)),
        )

    def segmentor(self) -> SliceSegmentor:
        """The model loaded on its device, held to the slicing and the options."""
        model = load_segmentor(self.config, self.checkpoint, self.device)
        self.slicing.check_model(model, self.options)
        if self.options.save_attention and not len(getattr(model.backbone, 'attention_gates', ())):
            raise ToolError(
                f"--save-attention writes the attention gates' coefficients, and this model "
                f'({type(model.backbone).__name__}) has no gated stage: drop --save-attention'
            )
        return build_slice_segmentor(model, 'pytorch', None, self.options.fast)


def _slicing_record(meta: dict) -> dict:
    dataset_meta = meta.get('dataset_meta') or {}
    return dict(dataset_meta.get('volume_slices') or dataset_meta.get('ct_slices') or {})
