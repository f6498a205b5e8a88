"""tools/predict.py's positionals: [MODEL] INPUT..., the model's forms per backend."""

import pytest

from attn_unet.apis.predict.command_line import model_and_inputs
from attn_unet.errors import ToolError


@pytest.mark.parametrize(
    'paths, backend, expected',
    [
        (['c.py', 'm.pth', 'a.nii.gz'], 'pytorch', ('c.py', ['m.pth'], ['a.nii.gz'])),
        (
            ['c.py', 'f0.pth', 'f1.pth', 'scans'],
            'pytorch',
            ('c.py', ['f0.pth', 'f1.pth'], ['scans']),
        ),
        (['a.nii.gz', 'b.nii.gz'], 'onnxruntime', (None, None, ['a.nii.gz', 'b.nii.gz'])),
        # the command line of earlier versions: config and checkpoint first, not read
        (['c.py', 'm.pth', 'a.nii.gz'], 'onnxruntime', ('c.py', 'm.pth', ['a.nii.gz'])),
    ],
    ids=['one', 'ensemble', 'onnx', 'onnx_legacy'],
)
def test_the_model_and_the_inputs_are_told_apart(paths, backend, expected):
    assert model_and_inputs(paths, backend) == expected


@pytest.mark.parametrize(
    'paths, backend, words',
    [
        (['a.nii.gz'], 'pytorch', 'pass CONFIG CHECKPOINT INPUT'),
        (['c.py', 'm.pth'], 'pytorch', 'no input to segment'),
        (
            ['c.py', 'f0.pth', 'f1.pth', 'a.nii.gz'],
            'onnxruntime',
            '2 checkpoints are given: use --backend pytorch for an ensemble',
        ),
    ],
    ids=['no_model', 'no_input', 'onnx_ensemble'],
)
def test_what_cannot_be_told_apart_is_one_line(paths, backend, words):
    with pytest.raises(ToolError) as error:
        model_and_inputs(paths, backend)
    assert words in str(error.value) and '\n' not in str(error.value)
