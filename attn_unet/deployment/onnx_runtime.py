"""Run an exported segmentor on onnxruntime, called like its torch twin.

:class:`OnnxSegmentor` takes what :class:`~attn_unet.deployment.SegmentorLogits`
takes and returns what it returns, so a predictor can hold either one::

    backend = OnnxSegmentor('model.onnx', num_threads=1)
    logits = backend(inputs)  # inputs (N, C, H, W) preprocessed -> (N, K, H, W)
"""

import json
from collections.abc import Sequence

import numpy as np
import torch

from attn_unet.errors import InputSizeError, ToolError
from attn_unet.runtime.session import open_session

from .dependencies import require
from .onnx_export import INPUT_NAME, METADATA_KEYS

__all__ = ['OnnxSegmentor']


class OnnxSegmentor:
    """An onnxruntime session of a model written by ``tools/deployment/export_onnx.py``.

    Args:
        path: the ``.onnx`` file.
        num_threads: onnxruntime's intra-op threads; None leaves onnxruntime's
            default (one per physical core).
        providers: onnxruntime execution providers, first preferred. Default
            CPU; ``('CUDAExecutionProvider', 'CPUExecutionProvider')`` with the
            onnxruntime-gpu build.

    Attributes (from the model's metadata):
        in_channels, size_divisor, num_classes, out_channels (num_classes, or
        1 for a sigmoid binary head), threshold (of that head, else None),
        classes (names or None), mean and std (per channel, or None when the
        config does not normalise), reverse_channels (BGR -> RGB first).

    Raises:
        DependencyError: onnxruntime is not installed.
        ToolError: the file is missing, not a loadable ONNX model, or lacks
            this project's metadata.
    """

    def __init__(
        self,
        path: str,
        num_threads: int | None = None,
        providers: Sequence[str] = ('CPUExecutionProvider',),
    ):
        ort = require('onnxruntime')
        if num_threads is not None and num_threads < 1:
            raise ToolError(f'num_threads {num_threads}: pass at least 1 (or None)')
        self.session = open_session(ort, path, num_threads, providers)
        self.path = path
        self._read_metadata(self.session.get_modelmeta().custom_metadata_map)

    def __call__(self, inputs: torch.Tensor | np.ndarray) -> torch.Tensor | np.ndarray:
        """Logits of a preprocessed batch.

        Args:
            inputs: (N, C, H, W) float, the data preprocessor's output, i.e.
                what the torch segmentor's ``predict`` / ``extract_feat``
                takes: channels reversed first where ``reverse_channels``,
                then ``(x - mean) / std``; H and W multiples of
                ``size_divisor``. A tensor (any device, any float dtype) or a
                NumPy array; either is fed as float32 on the CPU.

        Returns:
            Logits (N, out_channels, H, W) float32 before softmax (sigmoid for
            a binary head): a CPU tensor for a tensor, an array for an array.

        Raises:
            InputSizeError: a batch of the wrong rank, channels or size.
        """
        if isinstance(inputs, np.ndarray):
            batch = np.ascontiguousarray(inputs, dtype=np.float32)
        else:
            batch = inputs.detach().to('cpu', torch.float32).contiguous().numpy()
        self._check(batch.shape)
        (logits,) = self.session.run(None, {INPUT_NAME: batch})
        return logits if isinstance(inputs, np.ndarray) else torch.from_numpy(logits)

    def normalize(self, pixels: torch.Tensor) -> torch.Tensor:
        """What the data preprocessor does to a batch of pixels, padding aside.

        Args:
            pixels: (N, C, H, W) pixel values (e.g. uint8 0..255 as loaded,
                BGR for mmcv-loaded colour images).

        Returns:
            (N, C, H, W) float32 to pass to ``__call__`` (after padding H, W
            to multiples of ``size_divisor``).
        """
        batch = pixels.float()
        if self.reverse_channels and batch.shape[1] == 3:  # as mmseg: 3-channel images only
            batch = batch.flip(1)
        if self.mean is not None:
            mean = torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1, 1)
            std = torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1, 1)
            batch = (batch - mean) / std
        return batch

    def _check(self, shape: tuple[int, ...]) -> None:
        if len(shape) != 4 or shape[1] != self.in_channels:
            raise InputSizeError(
                f'ONNX model {self.path} takes (N, {self.in_channels}, H, W) batches, got '
                f'{tuple(shape)}: stack preprocessed images into one batch'
            )
        height, width = shape[-2:]
        if height % self.size_divisor or width % self.size_divisor:
            raise InputSizeError(
                f'input size {height}x{width} is not divisible by the backbone downsample rate '
                f'{self.size_divisor}: pad H and W to multiples of {self.size_divisor}'
            )

    def _read_metadata(self, metadata: dict[str, str]) -> None:
        missing = [key for key in METADATA_KEYS if key not in metadata]
        if missing:
            raise ToolError(
                f'ONNX model {self.path} lacks the metadata {", ".join(missing)}: export it '
                'with tools/deployment/export_onnx.py'
            )
        values = {key: json.loads(metadata[key]) for key in METADATA_KEYS}
        self.in_channels: int = values['in_channels']
        self.size_divisor: int = values['size_divisor']
        self.mean: list[float] | None = values['mean']
        self.std: list[float] | None = values['std']
        self.reverse_channels: bool = values['reverse_channels']
        self.num_classes: int = values['num_classes']
        self.out_channels: int = values['out_channels']
        self.threshold: float | None = values['threshold']
        self.classes: list[str] | None = values['classes']
        self.export_shape: list[int] = values['export_shape']

    def __repr__(self) -> str:
        threads = self.session.get_session_options().intra_op_num_threads
        return (
            f'OnnxSegmentor({self.path!r}, in_channels={self.in_channels}, '
            f'out_channels={self.out_channels}, size_divisor={self.size_divisor}, '
            f'intra_op_threads={threads or "default"})'
        )
