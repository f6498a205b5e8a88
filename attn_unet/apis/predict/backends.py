"""Which backend runs a prediction: torch with a config and checkpoint, or an ONNX file alone.

Each backend's module is imported only when it runs, so ``--backend onnxruntime`` never
imports torch, mmengine or mmseg.
"""

from attn_unet.errors import ToolError

__all__ = ['open_backend']


def open_backend(config: str | None, checkpoint, options):
    """The backend of ``options.backend``, its checks done (:mod:`.torch_backend`,
    :mod:`.onnx_backend`).

    Raises:
        ToolError: the pytorch backend without a config and checkpoint; as the backends.
    """
    if options.backend == 'onnxruntime':
        from .onnx_backend import OnnxBackend

        return OnnxBackend(options.onnx, options, config, checkpoint)
    if not config:
        raise ToolError('--backend pytorch needs CONFIG and CHECKPOINT (or a cross-validation '
                        'folder) before the inputs: pass them, or --backend onnxruntime --onnx '
                        'MODEL.onnx')  # fmt: skip
    from .torch_backend import TorchBackend

    return TorchBackend(config, checkpoint, options)
