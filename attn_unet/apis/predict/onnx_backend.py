"""The onnxruntime backend: an exported model and its card, with no torch, mmengine or mmseg.

Everything comes from the ONNX file (:class:`attn_unet.runtime.ModelCard`): the slicing
(:class:`~.synapse_slicing.SynapseSlicing` or :class:`~.plan_slicing.PlanSlicing`, the very
strategies of the torch backend, built from the card's record), the classes and label values,
the mirrors training applied, and what feeds the graph
(:class:`attn_unet.runtime.OnnxSliceSegmentor`). A config and checkpoint given too are not
read, and the run says so.
"""

import os.path as osp
import sys

from attn_unet.runtime import ModelCard, OnnxModel, OnnxSliceSegmentor
from attn_unet.runtime.optional import require
from attn_unet.version import __version__
from attn_unet.volumes.dicom import SegAlgorithm

from .device import onnx_providers
from .intensity_check import expected_ranges
from .plan_slicing import PlanSlicing
from .synapse_slicing import SynapseSlicing
from .tta import refuse_untrained_tta

__all__ = ['OnnxBackend', 'card_slicing']


class _CardModel:
    """What a slicing's ``check_model`` reads of a model, from the card."""

    def __init__(self, card: ModelCard) -> None:
        classes = card.graph.get('classes') or [str(i) for i in range(card.graph['num_classes'])]
        self.dataset_meta = dict(classes=list(classes))


def card_slicing(card: ModelCard, options):
    """The slicing of a model's card, its options checked, its classes taken.

    Raises:
        ToolError: an option the model does not take; a package the slicing needs.
        DependencyError: Pillow / OpenCV / tifffile missing for a model of Synapse slices.
    """
    record = dict(card.slicing or {})
    kind = record.pop('kind', 'synapse')
    if kind == 'plan':
        slicing = PlanSlicing.from_record(record, round_trip=False)
    else:
        why = "a model of the Synapse converter's slices (the JPEG or TIFF round trip)"
        require('PIL', why)
        require('cv2' if record.get('context', 1) == 1 else 'tifffile', why)
        slicing = SynapseSlicing(record, options)
    slicing.check_options(options)
    slicing.check_model(_CardModel(card), options)
    return slicing


class OnnxBackend:
    """An exported model on onnxruntime, its options checked before any input is read.

    Raises:
        ToolError: a model without a card, an option it does not take, ``--tta flip`` for a
            model trained without mirroring.
        DependencyError: onnxruntime (or a package its slicing needs) is missing.
    """

    def __init__(self, onnx: str, options, config: str | None = None,
                 checkpoint: str | None = None) -> None:  # fmt: skip
        ort = require('onnxruntime', '--backend onnxruntime')
        providers, self.device_line = onnx_providers(options.device, ort.get_available_providers())
        self.model = OnnxModel(onnx, providers)
        card = self.model.card
        if config or checkpoint:
            print(f'note: --backend onnxruntime runs {onnx} with its own card; {config} and '
                  f'{checkpoint} are not read', file=sys.stderr)  # fmt: skip
        self.slicing = card_slicing(card, options)
        self.intensity_ranges = expected_ranges(self.slicing, card.intensity_range)
        self.mirror_axes = ()
        if options.tta != 'none':
            refuse_untrained_tta(f'--tta {options.tta}', card.mirror_axes, True,
                                 'export a model trained with mirroring')  # fmt: skip
            self.mirror_axes = tuple(card.mirror_axes)
        self.sources = dict(onnx=onnx, config=None, checkpoint=None, backend='onnxruntime',
                            fast=False)  # fmt: skip
        stem = osp.splitext(osp.basename(onnx))[0]
        self.algorithm = SegAlgorithm(name='attn-unet', version=__version__, source=stem,
                                      parameters=dict(onnx=osp.basename(onnx)))  # fmt: skip

    def segmentor(self) -> OnnxSliceSegmentor:
        return OnnxSliceSegmentor(self.model)
