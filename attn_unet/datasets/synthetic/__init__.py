"""Every synthetic data generator: street scenes and the mini Cityscapes built from them."""

from .mini_cityscapes import MINI_CITIES, generate_mini_cityscapes
from .street_scene import CAMERA_HEIGHT, render_street_image, sample_street_scene

__all__ = [
    'CAMERA_HEIGHT',
    'MINI_CITIES',
    'generate_mini_cityscapes',
    'render_street_image',
    'sample_street_scene',
]
