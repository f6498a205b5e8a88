"""2D images through the segmentor the scans go through: ``OUT/<stem>.png`` label maps.

Each image is loaded by the config's own loading step, then takes the very path of a
CT slice (:class:`~.slice_segmentor.SliceSegmentor` with the model ``predict.py``
loaded once, on torch or onnxruntime), with the same flip TTA (:mod:`.tta`). So
``--tta flip``, ``--backend onnxruntime --onnx`` and ``--save-attention`` do on images
what they do on volumes. Images of one size share a batch. ``--save-attention``
writes ``OUT/<stem>_attention.npy``: ``(S, H, W)`` float32, the S gated stages'
coefficients on the image's grid, finest stage first.
"""

import io
import os.path as osp
from dataclasses import dataclass
from typing import Callable, List, Sequence

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.fileio import atomic_write

from .tta import segment_batch

__all__ = ['ImageOutputs', 'image_outputs', 'segment_images']


@dataclass(frozen=True)
class ImageOutputs:
    """The files one image gives: its label map and, when asked, its attention maps."""

    image: str
    labels: str
    attention: str | None = None

    def paths(self) -> List[str]:
        return [p for p in (self.labels, self.attention) if p]


def image_outputs(out_dir: str, image_path: str, save_attention: bool = False) -> ImageOutputs:
    """``OUT/<stem>.png`` (and ``OUT/<stem>_attention.npy``) of ``image_path``."""
    stem = osp.join(out_dir, osp.splitext(osp.basename(image_path))[0])
    attention = f'{stem}_attention.npy' if save_attention else None
    return ImageOutputs(image_path, f'{stem}.png', attention)


def segment_images(
    segmentor,
    outputs: Sequence[ImageOutputs],
    *,
    batch_size: int = 1,
    tta: tuple = (),
    to_ids: Callable[[np.ndarray], np.ndarray] | None = None,
    overwrite: bool = False,
) -> List[str]:
    """Segment each ``outputs[i].image`` and write its label map (uint8) and attention.

    Args:
        segmentor: the :class:`~.slice_segmentor.SliceSegmentor` of the loaded model.
        outputs: per image, where its files go (:func:`image_outputs`).
        batch_size: images per forward pass (consecutive images of one size).
        tta: the slice axes to mirror along (:func:`~.tta.segment_batch`); ``()``: none.
        to_ids: maps the model's class ids to the written ids (``--label-ids``).
        overwrite: replace existing files.

    Returns:
        The written paths.
    """
    written, batch = [], []
    for output in outputs:
        image = segmentor.load(output.image)
        if batch and (len(batch) == batch_size or image.shape != batch[0][1].shape):
            written += _run(segmentor, batch, tta, to_ids, overwrite)
            batch = []
        batch.append((output, image))
    if batch:
        written += _run(segmentor, batch, tta, to_ids, overwrite)
    return written


def _run(segmentor, batch, tta, to_ids, overwrite) -> List[str]:
    from PIL import Image

    attention = any(output.attention for output, _ in batch)
    prediction = segment_batch(segmentor, [image for _, image in batch], attention, tta)
    written = []
    for n, (output, _) in enumerate(batch):
        labels = prediction.probs[n].argmax(axis=0)
        labels = (to_ids(labels) if to_ids else labels).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(labels).save(buffer, format='PNG')
        _write(output.labels, buffer.getvalue(), overwrite)
        written.append(output.labels)
        if output.attention:
            stages = sorted(prediction.attention)
            maps = np.stack([prediction.attention[s][n] for s in stages]).astype(np.float32)
            buffer = io.BytesIO()
            np.save(buffer, maps)
            _write(output.attention, buffer.getvalue(), overwrite)
            written.append(output.attention)
    return written


def _write(path: str, data: bytes, overwrite: bool) -> None:
    if osp.exists(path) and not overwrite:
        raise ToolError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    with atomic_write(path, unique=True) as partial:
        with open(partial, 'wb') as f:
            f.write(data)
