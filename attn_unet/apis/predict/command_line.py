"""``tools/predict.py``'s positional arguments: ``[CONFIG CHECKPOINT] INPUT ...``.

The pytorch backend needs the config and checkpoint first. An ONNX model carries its card, so
``--backend onnxruntime --onnx MODEL.onnx`` takes inputs only; a config and checkpoint given
before them anyway (the command line of earlier versions) are recognised by their endings and
not read.
"""

from attn_unet.errors import ToolError

__all__ = ['model_and_inputs']

CHECKPOINT_ENDINGS = ('.pth', '.pt', '.ckpt')


def model_and_inputs(paths: list, backend: str) -> tuple:
    """``(config or None, checkpoint or None, inputs)`` of the positional arguments.

    Raises:
        ToolError: the pytorch backend without a config, a checkpoint and an input.
    """
    paths = [str(p) for p in paths]
    leading = (len(paths) >= 3 and paths[0].endswith('.py')
               and paths[1].endswith(CHECKPOINT_ENDINGS))  # fmt: skip
    if backend == 'onnxruntime':
        return (paths[0], paths[1], paths[2:]) if leading else (None, None, paths)
    if len(paths) < 3:
        raise ToolError(
            f'got {len(paths)} path(s): pass CONFIG CHECKPOINT INPUT... (or --backend '
            'onnxruntime --onnx MODEL.onnx INPUT...)'
        )
    return paths[0], paths[1], paths[2:]
