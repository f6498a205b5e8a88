"""An exported model on onnxruntime, numpy in and out, with its card: no torch anywhere.

:class:`OnnxModel` opens the file once, reads the card (:mod:`.card`) and runs preprocessed
batches; :class:`~attn_unet.deployment.OnnxSegmentor` is its twin for torch callers.
"""

import os.path as osp
from typing import Sequence

import numpy as np

from attn_unet.errors import InputSizeError, ToolError

from .card import ModelCard
from .optional import require

__all__ = ['INPUT_NAME', 'OUTPUT_NAME', 'OnnxModel', 'open_session']

INPUT_NAME = 'inputs'
OUTPUT_NAME = 'logits'


class OnnxModel:
    """An onnxruntime session of a model ``tools/deployment/export_onnx.py`` wrote, and its card.

    Args:
        path: the ``.onnx`` file.
        providers: onnxruntime execution providers, first preferred.
        num_threads: intra-op threads (None: onnxruntime's default).

    Raises:
        DependencyError: onnxruntime is not installed.
        ToolError: the file is missing, not a loadable model, or has no card (exported before
            cards existed, or by another tool).
    """

    def __init__(
        self,
        path: str,
        providers: Sequence[str] = ('CPUExecutionProvider',),
        num_threads: int | None = None,
    ):
        ort = require('onnxruntime', '--backend onnxruntime')
        self.session = open_session(ort, path, num_threads, providers)
        self.path = path
        try:
            self.card = ModelCard.from_metadata(self.session.get_modelmeta().custom_metadata_map)
        except KeyError as exc:
            raise ToolError(
                f'ONNX model {path} lacks the metadata {exc.args[0]} (what feeds it a scan: '
                'exported before version 0.36, or by another tool): export it again with '
                'tools/deployment/export_onnx.py'
            ) from None

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        """Logits ``(N, K, H, W)`` float32 of a preprocessed batch ``(N, C, H, W)``.

        Raises:
            InputSizeError: the wrong rank or channels, or sizes not divisible as the card says.
        """
        graph = self.card.graph
        if batch.ndim != 4 or batch.shape[1] != graph['in_channels']:
            raise InputSizeError(
                f'ONNX model {self.path} takes (N, {graph["in_channels"]}, H, W) batches, got '
                f'{tuple(batch.shape)}: stack preprocessed images into one batch'
            )
        divisor = graph['size_divisor']
        if batch.shape[2] % divisor or batch.shape[3] % divisor:
            raise InputSizeError(
                f'input size {batch.shape[2]}x{batch.shape[3]} is not divisible by the backbone '
                f'downsample rate {divisor}: pad H and W to multiples of {divisor}'
            )
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        (logits,) = self.session.run([OUTPUT_NAME], {INPUT_NAME: batch})
        return logits


def open_session(ort, path: str, num_threads: int | None, providers: Sequence[str]):
    """An onnxruntime ``InferenceSession`` of ``path``, each failure one line with the fix.

    Args:
        ort: the imported ``onnxruntime`` module.
        path: the ``.onnx`` file.
        num_threads: intra-op threads (None: onnxruntime's default); inter-op stays at 1.
        providers: execution providers, first preferred.

    Raises:
        ToolError: the file is missing or not a loadable model.
    """
    if not osp.isfile(path):
        raise ToolError(
            f'ONNX model {path} not found: export one with tools/deployment/export_onnx.py'
        )
    options = ort.SessionOptions()
    if num_threads is not None:
        options.intra_op_num_threads = num_threads
        options.inter_op_num_threads = 1
    try:
        return ort.InferenceSession(path, options, providers=list(providers))
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ToolError(
            f'cannot load ONNX model {path} ({reason}): export it again with '
            'tools/deployment/export_onnx.py'
        ) from None
