"""2D images through mmseg's own ``MMSegInferencer``; each label map saved under its stem."""

import os.path as osp
from typing import List

import numpy as np
from PIL import Image

from attn_unet.errors import ToolError
from attn_unet.fileio import atomic_write

__all__ = ['image_output_path', 'segment_images']


def image_output_path(out_dir: str, image_path: str) -> str:
    """``OUT/<stem>.png``: the label map of ``image_path``."""
    return osp.join(out_dir, osp.splitext(osp.basename(image_path))[0] + '.png')


def segment_images(
    config: str,
    checkpoint: str,
    images: List[str],
    out_dir: str,
    device: str = 'cpu',
    batch_size: int = 1,
    overwrite: bool = False,
) -> List[str]:
    """Segment images with ``MMSegInferencer`` and write ``OUT/<stem>.png`` label maps (uint8).

    Returns:
        The written paths.
    """
    from mmseg.apis import MMSegInferencer

    inferencer = MMSegInferencer(model=config, weights=checkpoint, device=device)
    written = []
    for start in range(0, len(images), batch_size):
        chunk = images[start : start + batch_size]
        predictions = inferencer(chunk, batch_size=batch_size)['predictions']
        if len(chunk) == 1:
            predictions = [predictions]
        for path, labels in zip(chunk, predictions):
            target = image_output_path(out_dir, path)
            if osp.exists(target) and not overwrite:
                raise ToolError(f'{target} exists: pass --overwrite to replace it')
            with atomic_write(target) as partial:
                Image.fromarray(np.asarray(labels).astype(np.uint8)).save(partial, format='PNG')
            written.append(target)
    return written
