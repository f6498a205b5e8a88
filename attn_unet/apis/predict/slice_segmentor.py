"""Segment a batch of 2D slice images exactly as the test loop does, on torch or onnxruntime.

The images enter as the training pipeline's loading transform gives them (see
:func:`attn_unet.slicing.ct_slices.as_loaded`), then pass the config's own test
pipeline (its ``Resize``; the loading step becomes ``LoadImageFromNDArray``), the
model's data preprocessor (normalisation, padding to the size divisor) and the
model; the logits are cropped and resized back by the model's own
``postprocess_result``. Only the logits step differs between backends, and on the fast
path (``--fast``) the model runs with BatchNorm folded, channels-last and under bf16
autocast where the device has fast bf16, as ``tools/test.py --fast`` does. Image files
(PNG, JPEG) are loaded by the config's own loading step (:meth:`SliceSegmentor.load`),
as ``tools/test.py`` and mmseg's inferencer load them.
"""

import copy
from typing import Callable, Dict, List, Sequence

import numpy as np
import torch
from mmengine.dataset import Compose

from attn_unet.errors import ToolError
from attn_unet.runtime.slice_prediction import SlicePrediction
from attn_unet.visualization import sample_attention

__all__ = ['SlicePrediction', 'SliceSegmentor', 'build_slice_segmentor']

# Steps of a test pipeline that read files or labels, which prediction has none of.
_SKIPPED_STEPS = ('LoadAnnotations',)


class SliceSegmentor:
    """A segmentor and its test pipeline, run on slice images.

    Args:
        model: the mmseg segmentor (:func:`attn_unet.apis.load_segmentor`), in eval mode;
            with the onnxruntime backend its weights are not used, only its pipeline,
            preprocessor and post-processing.
        logits_fn: None for the model itself, else a function from the preprocessed
            batch ``(N, C, H_pad, W_pad)`` float32 to logits ``(N, classes, H_pad, W_pad)``
            (the onnxruntime session).
        autocast_dtype: run the model under autocast to this dtype (None: as it is).
    """

    def __init__(
        self, model, logits_fn: Callable | None = None, autocast_dtype: torch.dtype | None = None
    ) -> None:
        self.model = model
        self.logits_fn = logits_fn
        self.autocast_dtype = autocast_dtype
        pipeline = [
            copy.deepcopy(step)
            for step in model.cfg.test_pipeline
            if step.get('type') not in _SKIPPED_STEPS
        ]
        if not pipeline or 'LoadImage' not in str(pipeline[0].get('type')):
            raise ToolError(
                "the config's test_pipeline does not start with a LoadImageFromFile step: "
                'predict.py feeds slices where that step loads them'
            )
        self.loader = Compose([pipeline[0]])
        pipeline[0] = dict(type='LoadImageFromNDArray')
        self.pipeline = Compose(pipeline)
        if logits_fn is not None and model.test_cfg.get('mode', 'whole') != 'whole':
            raise ToolError(
                "the onnxruntime backend runs test_cfg.mode='whole' only; this config slides "
                'windows: use --backend pytorch'
            )

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def load(self, path: str) -> np.ndarray:
        """The image file ``path`` as the config's loading step gives it: ``(H, W, C)``.

        Raises:
            ToolError: the file cannot be decoded as an image.
        """
        try:
            loaded = self.loader(dict(img_path=path))
        except Exception as exc:
            reason = ' '.join(str(exc).split())[:120] or type(exc).__name__
            raise ToolError(
                f'{path} is not a readable image ({reason}): pass a PNG or JPEG'
            ) from None
        if loaded is None or loaded.get('img') is None:
            raise ToolError(f'{path} is not a readable image: pass a PNG or JPEG')
        return loaded['img']

    @torch.no_grad()
    def __call__(self, images: Sequence[np.ndarray], attention: bool = False) -> SlicePrediction:
        """Segment ``images``, each ``(H, W, C)`` uint8 as the loading transform gives it."""
        batch = dict(inputs=[], data_samples=[])
        for image in images:
            packed = self.pipeline(dict(img=np.ascontiguousarray(image)))
            batch['inputs'].append(packed['inputs'])
            batch['data_samples'].append(packed['data_samples'])
        data = self.model.data_preprocessor(batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        metas = [sample.metainfo for sample in samples]
        if self.logits_fn is None:
            with torch.autocast(inputs.device.type, self.autocast_dtype,
                                enabled=self.autocast_dtype is not None):  # fmt: skip
                logits = self.model.inference(inputs, metas)
        else:
            logits = torch.from_numpy(np.asarray(self.logits_fn(inputs.cpu().numpy())))
        results = self.model.postprocess_result(logits, samples)
        probs = np.stack([_probabilities(r.seg_logits.data) for r in results])
        maps = {}
        if attention and self.logits_fn is None:
            maps = self._attention(metas)
        return SlicePrediction(probs, maps)

    def _attention(self, metas: List[dict]) -> Dict[int, np.ndarray]:
        maps = getattr(self.model.backbone, 'attention_maps', None) or {}
        per_image = [sample_attention(maps, i, meta) for i, meta in enumerate(metas)]
        return {
            stage: np.stack([image_maps[stage][0] for image_maps in per_image])
            for stage in sorted(maps)
        }


def build_slice_segmentor(
    model, backend: str = 'pytorch', onnx: str | None = None, fast: bool = False
) -> SliceSegmentor:
    """The segmentor ``tools/predict.py`` runs: the model, its ONNX export, or its fast path.

    Args:
        model: the loaded segmentor (:func:`attn_unet.apis.load_segmentor`).
        backend: ``'pytorch'`` or ``'onnxruntime'`` (with ``onnx``, the exported model).
        fast: fold BatchNorm, go channels-last, autocast to bf16 where the device has fast
            bf16 (:mod:`attn_unet.models.utils.fast_inference`); pytorch only.
    """
    if backend == 'onnxruntime':
        from attn_unet.deployment.onnx_runtime import OnnxSegmentor

        return SliceSegmentor(model, OnnxSegmentor(onnx))
    if not fast:
        return SliceSegmentor(model)
    from attn_unet.models.utils import (
        apply_memory_format,
        fast_inference_dtype,
        prepare_fast_inference,
    )

    prepare_fast_inference(model)
    apply_memory_format(model, 'channels_last')
    device_type = next(model.parameters()).device.type
    return SliceSegmentor(model, autocast_dtype=fast_inference_dtype(device_type))


def _probabilities(logits: torch.Tensor) -> np.ndarray:
    """``(C, H, W)`` logits -> softmax, or sigmoid for a one-channel (binary) head."""
    logits = logits.float()
    if logits.shape[0] == 1:
        foreground = logits.sigmoid()
        return torch.cat([1 - foreground, foreground]).cpu().numpy()
    return logits.softmax(dim=0).cpu().numpy()
