"""Export a segmentor's logits to ONNX with dynamic batch, height and width.

The graph is :class:`~attn_unet.deployment.SegmentorLogits` of a copy of the
segmentor made shape-generic (:func:`~attn_unet.deployment.make_shape_generic`),
traced once at an example shape by torch's TorchScript-based exporter at opset
17. Input ``inputs``: (N, C, H, W) float32, the data preprocessor's output
(normalisation is not folded in; its mean, std and channel order are written
into the model's metadata, see :data:`METADATA_KEYS`). Output ``logits``:
(N, out_channels, H, W) float32.

Why the TorchScript exporter (``dynamo=False``) and not torch 2.13's default,
the dynamo exporter: it writes opset 17 natively (the dynamo exporter builds
opset 18 and converts down), needs no ``onnxscript``, and exports S5-D16 in
about 3 s where the dynamo exporter took 9 to 13 s. Both freeze the same Python-side sizes (mmseg's
``Upsample``), so the shape-generic transform is needed either way; with it,
both give graphs that run at every size.
"""

import copy
import io
import json
import warnings

import torch
from torch import nn

from attn_unet.runtime.card import GRAPH_KEYS
from attn_unet.runtime.session import INPUT_NAME, OUTPUT_NAME

from .dependencies import require
from .segmentor_logits import SegmentorLogits
from .shape_generic import make_shape_generic

__all__ = [
    'INPUT_NAME',
    'METADATA_KEYS',
    'OPSET',
    'OUTPUT_NAME',
    'export_onnx_model',
    'input_channels',
]

OPSET = 17
# What the model's metadata_props hold about the graph (values are JSON); the card of
# attn_unet.runtime (everything between a scan and the graph) is added by the caller.
METADATA_KEYS = GRAPH_KEYS


def input_channels(segmentor: nn.Module) -> int:
    """C of the segmentor's input: that of the first convolution of its backbone."""
    for module in segmentor.backbone.modules():
        if isinstance(module, nn.Conv2d):
            return module.in_channels
    raise ValueError('the backbone has no Conv2d: cannot tell its input channels')


def export_onnx_model(
    segmentor: nn.Module,
    shape: tuple[int, int],
    size_divisor: int = 1,
    batch_size: int = 1,
    opset: int = OPSET,
    metadata: dict | None = None,
):
    """The ONNX model of a segmentor's logits, in memory.

    The segmentor itself is not changed: a CPU copy is made shape-generic and
    traced.

    Args:
        segmentor: an mmseg ``EncoderDecoder``.
        shape: (H, W) of the example batch the graph is traced at; any
            multiple of ``size_divisor`` runs afterwards.
        size_divisor: the backbone's downsample rate, recorded in the
            metadata for the runtime's input check.
        batch_size: N of the example batch (any N runs afterwards).
        opset: ONNX opset version.
        metadata: more ``{key: JSON text}`` for ``metadata_props`` (the model's card,
            :class:`attn_unet.runtime.ModelCard`).

    Returns:
        ``onnx.ModelProto`` with input ``inputs`` (N, C, H, W), output
        ``logits`` (N, out_channels, H, W), N, H and W dynamic, and the
        metadata of :data:`METADATA_KEYS`.

    Raises:
        DependencyError: onnx is not installed.
    """
    onnx = require('onnx')
    model = copy.deepcopy(segmentor).cpu().eval()
    make_shape_generic(model)
    graph = SegmentorLogits(model).eval()
    example = torch.zeros(batch_size, input_channels(model), *shape)
    buffer = io.BytesIO()
    dynamic = {0: 'batch', 2: 'height', 3: 'width'}
    with torch.no_grad(), warnings.catch_warnings():
        # Shapes read in Python are traced as constants: the export is checked at other sizes
        # instead (attn_unet.apis.export_onnx), so these warnings say nothing to a user.
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        # The TorchScript exporter is deprecated but present in every torch that
        # requirements/runtime.txt allows (< 2.14); the module docstring says why it is used.
        warnings.filterwarnings('ignore', message='You are using the legacy TorchScript')
        warnings.filterwarnings('ignore', category=DeprecationWarning, module=r'torch\.(onnx|jit)')
        torch.onnx.export(
            graph,
            (example,),
            buffer,
            dynamo=False,
            opset_version=opset,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: dynamic, OUTPUT_NAME: dynamic},
        )
    proto = onnx.load_from_string(buffer.getvalue())
    graph = {
        k: json.dumps(v) for k, v in _metadata(model, list(example.shape), size_divisor).items()
    }
    for key, value in {**graph, **(metadata or {})}.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    return proto


def _metadata(segmentor: nn.Module, export_shape: list[int], size_divisor: int) -> dict:
    """The values of METADATA_KEYS for ``segmentor``."""
    preprocessor = segmentor.data_preprocessor
    normalizes = getattr(preprocessor, '_enable_normalize', False)
    head = segmentor.decode_head
    classes = (getattr(segmentor, 'dataset_meta', None) or {}).get('classes')
    return dict(
        in_channels=export_shape[1],
        size_divisor=int(size_divisor),
        mean=preprocessor.mean.flatten().tolist() if normalizes else None,
        std=preprocessor.std.flatten().tolist() if normalizes else None,
        reverse_channels=bool(getattr(preprocessor, 'channel_conversion', False)),
        num_classes=int(head.num_classes),
        out_channels=int(head.out_channels),
        threshold=float(head.threshold) if head.out_channels == 1 else None,
        classes=list(classes) if classes else None,
        export_shape=export_shape,
    )
