"""export_onnx: export, check at three sizes with onnxruntime, and only then write the file."""

import os

import pytest

from attn_unet.apis import default_verify_shapes, export_onnx
from attn_unet.deployment import OnnxSegmentor
from attn_unet.errors import InputSizeError, ToolError


@pytest.mark.kernels
def test_it_writes_a_checked_model_and_nothing_else(tiny, tmp_path):
    out = tmp_path / 'model.onnx'
    lines = []
    checks = export_onnx(tiny['attn_config'], tiny['attn_ckpt'], str(out), log=lines.append)
    # the config's data_preprocessor.size (32x64) at batch 1, then H+2r x W-r and H-r x W+3r at 2
    assert [c.shape for c in checks] == [(1, 3, 32, 64), (2, 3, 40, 60), (2, 3, 28, 76)]
    # within the tolerance; classes differ at most on near ties, which are few
    assert all(c.passed and c.holds() for c in checks), [c.describe() for c in checks]
    assert len(lines) == 4 and lines[-1].startswith(f'ONNX model saved to {out}')
    assert all('max |logit difference|' in line for line in lines[:3])
    assert os.listdir(tmp_path) == ['model.onnx']  # no temporary file left
    backend = OnnxSegmentor(str(out))
    assert backend.classes[0] == 'road' and backend.size_divisor == 4


def test_an_existing_file_is_kept_unless_overwrite(tiny, tmp_path):
    out = tmp_path / 'model.onnx'
    out.write_bytes(b"the user's file")
    with pytest.raises(ToolError, match='exists: pass --overwrite'):
        export_onnx(tiny['unet_config'], tiny['unet_ckpt'], str(out))
    assert out.read_bytes() == b"the user's file"
    export_onnx(tiny['unet_config'], tiny['unet_ckpt'], str(out), overwrite=True, log=id)
    assert OnnxSegmentor(str(out)).num_classes == 19


def test_logits_beyond_the_tolerance_write_nothing(tiny, tmp_path):
    out = tmp_path / 'model.onnx'
    with pytest.raises(ToolError, match=r'disagrees with torch at 1x3x32x64: .*was not written'):
        export_onnx(tiny['unet_config'], tiny['unet_ckpt'], str(out), tolerance=1e-12, log=id)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    'kwargs, error, message',
    [
        (dict(shape=(30, 64)), InputSizeError, '--shape 30x64 is not divisible .* rate 4'),
        (dict(verify_shapes=[(32, 62)]), InputSizeError, '--verify-shapes 32x62'),
        (dict(tolerance=0), ToolError, '--tolerance 0: pass a positive number'),
        (dict(batch_size=0), ToolError, '--batch-size 0: pass at least 1'),
    ],
)
def test_bad_arguments(tiny, tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        export_onnx(tiny['attn_config'], tiny['attn_ckpt'], str(tmp_path / 'm.onnx'), **kwargs)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    'shape, rate, expected',
    [
        ((224, 224), 16, [(256, 208), (208, 272)]),
        ((16, 16), 16, [(48, 32), (64, 64)]),  # sides at the rate grow instead
        ((32, 64), 4, [(40, 60), (28, 76)]),
    ],
)
def test_default_verify_shapes(shape, rate, expected):
    assert default_verify_shapes(shape, rate) == expected
