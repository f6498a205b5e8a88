"""OnnxSegmentor: onnxruntime called like the torch segmentor, with the same logits."""

import sys

import onnx
import pytest
import torch

from attn_unet.deployment import (
    OnnxSegmentor,
    SegmentorLogits,
    compare_logits,
    export_onnx_model,
    preprocessed_batch,
)
from attn_unet.errors import DependencyError, InputSizeError, ToolError
from tests.helpers.kernels import onnxruntime_threads

from .conftest import RATE, TINY_MODELS, tiny_segmentor

TRACED = (32, 64)
# the traced size, then two others (odd multiples of the rate among them)
SIZES = [TRACED, (20, 44), (52, 12)]


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    """{name: (model, path of its ONNX export traced at TRACED, batch 1)}."""
    folder = tmp_path_factory.mktemp('onnx')
    models = {}
    for name in TINY_MODELS:
        model = tiny_segmentor(name)
        path = str(folder / f'{name}.onnx')
        onnx.save(export_onnx_model(model, TRACED, RATE), path)
        models[name] = model, path
    return models


@pytest.mark.kernels
@pytest.mark.parametrize('name', sorted(TINY_MODELS))
@pytest.mark.parametrize('batch_size', [1, 3])
@pytest.mark.parametrize('shape', SIZES)
def test_onnxruntime_matches_torch(exported, name, batch_size, shape):
    model, path = exported[name]
    backend = OnnxSegmentor(path, num_threads=onnxruntime_threads())
    check = compare_logits(model, backend, batch_size, shape)
    assert check.shape == (batch_size, 3, *shape)
    assert check.pixels == batch_size * shape[0] * shape[1]
    # ten times tighter than the default tolerance (1e-4 relative)
    assert check.passed and check.max_abs_diff < 1e-5 * max(1, check.max_abs_logit), (
        check.describe()
    )
    # The classes are held where rounding cannot reach them: an untrained network has near
    # ties (top-two margin within twice the difference), and which class wins one depends
    # on the processor's instructions and the thread count, so they are only counted.
    assert check.decisive_disagreements == 0 and check.near_ties <= 0.01 * check.pixels, (
        check.describe()
    )


def test_it_takes_and_returns_what_the_torch_twin_does(exported):
    model, path = exported['attn']
    backend = OnnxSegmentor(path)
    inputs = preprocessed_batch(model, 2, (20, 44))
    logits = backend(inputs.double())  # any float dtype is taken
    with torch.no_grad():
        expected = SegmentorLogits(model)(inputs)
    assert logits.dtype == torch.float32 and logits.shape == expected.shape == (2, 19, 20, 44)
    assert (backend.num_classes, backend.out_channels, backend.size_divisor) == (19, 19, RATE)
    assert (backend.in_channels, backend.threshold) == (3, None)
    assert torch.equal(torch.from_numpy(backend(inputs.numpy())), logits)  # arrays in, arrays out


def test_normalize_is_the_data_preprocessor(exported):
    model, path = exported['attn']
    pixels = torch.randint(0, 256, (2, 3, 12, 16), dtype=torch.uint8)
    expected = model.data_preprocessor(dict(inputs=list(pixels)), False)['inputs']
    assert torch.equal(OnnxSegmentor(path).normalize(pixels), expected)


@pytest.mark.parametrize(
    'shape, message',
    [
        ((1, 3, 30, 64), 'input size 30x64 is not divisible by the backbone downsample rate 4'),
        ((1, 1, 32, 64), r'takes \(N, 3, H, W\) batches, got \(1, 1, 32, 64\)'),
        ((3, 32, 64), r'takes \(N, 3, H, W\) batches, got \(3, 32, 64\)'),
    ],
)
def test_batches_it_cannot_take_are_refused(exported, shape, message):
    with pytest.raises(InputSizeError, match=message):
        OnnxSegmentor(exported['unet'][1])(torch.zeros(shape))


def test_thread_count_is_set(exported):
    backend = OnnxSegmentor(exported['unet'][1], num_threads=1)
    assert backend.session.get_session_options().intra_op_num_threads == 1
    with pytest.raises(ToolError, match='num_threads 0: pass at least 1'):
        OnnxSegmentor(exported['unet'][1], num_threads=0)


def test_files_it_cannot_use_are_refused_in_one_line(tmp_path):
    with pytest.raises(ToolError, match='not found: export one with tools/deployment'):
        OnnxSegmentor(str(tmp_path / 'none.onnx'))
    (tmp_path / 'bad.onnx').write_bytes(b'not a model')
    with pytest.raises(ToolError, match='cannot load ONNX model .*bad.onnx'):
        OnnxSegmentor(str(tmp_path / 'bad.onnx'))
    foreign = str(tmp_path / 'foreign.onnx')
    torch.onnx.export(torch.nn.Conv2d(3, 2, 1), (torch.zeros(1, 3, 4, 4),), foreign, dynamo=False)
    with pytest.raises(ToolError, match='lacks the metadata in_channels, size_divisor'):
        OnnxSegmentor(foreign)


def test_without_onnxruntime_it_says_how_to_install_it(monkeypatch, exported):
    monkeypatch.setitem(sys.modules, 'onnxruntime', None)
    with pytest.raises(DependencyError, match=r'onnxruntime is not installed .*\[deploy\]'):
        OnnxSegmentor(exported['unet'][1])
