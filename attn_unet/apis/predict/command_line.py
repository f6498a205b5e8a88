"""``tools/predict.py``'s positional arguments: ``[MODEL] INPUT ...``.

The pytorch backend takes the model first: ``CONFIG CHECKPOINT [CHECKPOINT.pth ...]`` (an
ensemble when several) or a cross-validation folder (:func:`~.ensemble.split_model_args`).
An ONNX model carries its card, so ``--backend onnxruntime --onnx MODEL.onnx`` takes inputs
only; a config and checkpoint given before them anyway (the command line of earlier
versions) are recognised by their endings and not read.
"""

from attn_unet.errors import ToolError

__all__ = ['model_and_inputs']

CHECKPOINT_ENDINGS = ('.pth', '.pt', '.ckpt')


def model_and_inputs(paths: list, backend: str) -> tuple:
    """``(config or CV folder or None, checkpoint(s) or None, inputs)`` of the positional
    arguments: the checkpoints are a list (None for a cross-validation folder).

    Raises:
        ToolError: the pytorch backend without a model and an input.
    """
    paths = [str(p) for p in paths]
    if backend == 'onnxruntime':
        leading = (len(paths) >= 3 and paths[0].endswith('.py')
                   and paths[1].endswith(CHECKPOINT_ENDINGS))  # fmt: skip
        if not leading:
            return None, None, paths
        more = [p for p in paths[2:] if p.endswith(CHECKPOINT_ENDINGS)]
        if more:
            raise ToolError(
                f'--backend onnxruntime runs the one exported --onnx model, and '
                f'{1 + len(more)} checkpoints are given: use --backend pytorch for an ensemble'
            )
        return paths[0], paths[1], paths[2:]
    if len(paths) < 2:
        raise ToolError(
            f'got {len(paths)} path(s): pass CONFIG CHECKPOINT INPUT... (or a cross-validation '
            'folder then the inputs, or --backend onnxruntime --onnx MODEL.onnx INPUT...)'
        )
    from .ensemble import split_model_args  # torch's side only

    checkpoints, inputs = split_model_args(paths[0], paths[1:])
    return paths[0], checkpoints, inputs
