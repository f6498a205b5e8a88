"""A batch of slice images through an exported model as ``tools/test.py`` runs the torch one.

:class:`OnnxSliceSegmentor` is called like the torch predictor's ``SliceSegmentor``:
images as the training loader gave them in, :class:`~.slice_prediction.SlicePrediction` out,
each step numpy (:mod:`.preprocess`) with the numbers of the model's card. Only the steps a
card can describe are repeated (loading, ``Resize``, annotations and packing); a test
pipeline with another step is refused in one line.
"""

from typing import Sequence

import numpy as np

from attn_unet.errors import ToolError

from .preprocess import normalise_and_pad, probabilities, resize_bilinear, resize_like_mmcv
from .session import OnnxModel
from .slice_prediction import SlicePrediction

__all__ = ['OnnxSliceSegmentor', 'SUPPORTED_STEPS']

SUPPORTED_STEPS = ('Resize',)


class OnnxSliceSegmentor:
    """Slice images -> class probabilities on each image's grid, by an exported model.

    Args:
        model: the opened model and its card.

    Raises:
        ToolError: the card's test pipeline holds a step this runtime does not repeat.
    """

    def __init__(self, model: OnnxModel) -> None:
        self.model = model
        self.card = model.card
        unknown = [s.get('type') for s in self.card.test_pipeline if s.get('type') not in
                   SUPPORTED_STEPS]  # fmt: skip
        if unknown:
            raise ToolError(
                f'ONNX model {model.path}: its test pipeline has {unknown[0]}, which the '
                'torch-free runtime does not repeat (it repeats Resize): use --backend pytorch '
                'with the checkpoint'
            )

    def load(self, path: str) -> np.ndarray:
        """An image file as the config's loading step reads it (OpenCV, BGR for colour).

        Raises:
            ToolError: the file is not a readable image.
        """
        from .optional import require

        cv2 = require('cv2', '2D images on --backend onnxruntime')
        flags = dict(color=cv2.IMREAD_COLOR, grayscale=cv2.IMREAD_GRAYSCALE,
                     unchanged=cv2.IMREAD_UNCHANGED)  # fmt: skip
        color = self.card.image_loading.get('color_type', 'color')
        image = cv2.imread(path, flags.get(color, cv2.IMREAD_COLOR))
        if image is None:
            raise ToolError(f'{path} is not a readable image: pass a PNG or JPEG')
        return image

    def __call__(self, images: Sequence[np.ndarray], attention: bool = False) -> SlicePrediction:
        """Probabilities ``(N, K, H, W)`` of ``images`` (each ``(H, W[, C])``, one size)."""
        graph = self.card.graph
        resized = list(images)
        for step in self.card.test_pipeline:
            resized = [resize_like_mmcv(image, step) for image in resized]
        pad = self.card.test_pad
        batch, (height, width) = normalise_and_pad(
            resized, graph['mean'], graph['std'], graph['reverse_channels'],
            pad.get('size_divisor'), pad.get('size'),
        )  # fmt: skip
        logits = self.model(batch)[:, :, :height, :width]
        logits = resize_bilinear(logits, images[0].shape[:2], self.card.align_corners)
        return SlicePrediction(probabilities(logits), {})
