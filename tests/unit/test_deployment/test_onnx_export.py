"""export_onnx_model: one graph for every batch and size, where a plain export has one size."""

import io
import json
import warnings

import onnx
import onnxruntime as ort
import pytest
import torch
from mmseg.models.utils import Upsample

from attn_unet.deployment import (
    INPUT_NAME,
    METADATA_KEYS,
    OUTPUT_NAME,
    SegmentorLogits,
    export_onnx_model,
)

from .conftest import RATE, tiny_segmentor

TRACED = (32, 64)
OTHER = (40, 60)  # H + 2r, W - r


def _session(proto: onnx.ModelProto) -> ort.InferenceSession:
    return ort.InferenceSession(proto.SerializeToString(), providers=['CPUExecutionProvider'])


def _plain_export(model: torch.nn.Module, shape: tuple[int, int]) -> onnx.ModelProto:
    """torch.onnx.export of the segmentor's logits as it is, dynamic axes declared."""
    buffer = io.BytesIO()
    dynamic = {0: 'batch', 2: 'height', 3: 'width'}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(
            SegmentorLogits(model),
            (torch.zeros(1, 3, *shape),),
            buffer,
            dynamo=False,
            opset_version=17,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: dynamic, OUTPUT_NAME: dynamic},
        )
    return onnx.load_from_string(buffer.getvalue())


@pytest.mark.parametrize('name', ['attn', 'unet'])
def test_a_plain_export_fails_at_another_size_and_this_one_does_not(name):
    model = tiny_segmentor(name)
    inputs = torch.randn(2, 3, *OTHER, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = SegmentorLogits(model)(inputs).numpy()

    plain = _session(_plain_export(model, TRACED))
    with pytest.raises(Exception, match='Concat.*[Nn]on concat axis dimensions must match'):
        plain.run(None, {INPUT_NAME: inputs.numpy()})

    (logits,) = _session(export_onnx_model(model, TRACED, RATE)).run(
        None, {INPUT_NAME: inputs.numpy()}
    )
    assert logits.shape == expected.shape == (2, 19, *OTHER)
    assert abs(logits - expected).max() < 1e-5


def test_the_graph_has_named_dynamic_axes_and_opset_17():
    proto = export_onnx_model(tiny_segmentor('attn'), TRACED, RATE, batch_size=2)
    assert [o.version for o in proto.opset_import if o.domain in ('', 'ai.onnx')] == [17]
    (given,), (returned,) = proto.graph.input, proto.graph.output
    assert given.name == INPUT_NAME and returned.name == OUTPUT_NAME
    dims = [
        [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
        for v in (given, returned)
    ]
    assert dims == [['batch', 3, 'height', 'width'], ['batch', 19, 'height', 'width']]


@pytest.mark.parametrize(
    'name, expected',
    [
        (
            'attn',
            dict(
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                reverse_channels=True,
                num_classes=19,
                out_channels=19,
                threshold=None,
            ),
        ),
        (
            'attn_sigmoid_head',
            dict(num_classes=2, out_channels=1, threshold=0.5),
        ),
    ],
)
def test_the_metadata_says_how_to_feed_and_read_the_model(name, expected):
    model = tiny_segmentor(name)
    model.dataset_meta = dict(classes=[f'class {i}' for i in range(model.decode_head.num_classes)])
    proto = export_onnx_model(model, TRACED, RATE)
    metadata = {entry.key: json.loads(entry.value) for entry in proto.metadata_props}
    assert sorted(metadata) == sorted(METADATA_KEYS)
    assert metadata['size_divisor'] == RATE and metadata['in_channels'] == 3
    assert metadata['export_shape'] == [1, 3, *TRACED]
    assert metadata['classes'] == model.dataset_meta['classes']
    for key, value in expected.items():
        assert metadata[key] == pytest.approx(value) if value is not None else metadata[key] is None


def test_the_segmentor_itself_is_not_changed():
    model = tiny_segmentor('attn')
    before = {k: v.clone() for k, v in model.state_dict().items()}
    export_onnx_model(model, TRACED, RATE)
    assert sum(isinstance(m, Upsample) for m in model.modules()) == 2
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert not model.training
