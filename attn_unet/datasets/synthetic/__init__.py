"""Every synthetic data generator: street scenes (mini Cityscapes) and fundus images (DRIVE)."""

from .fundus import generate_fundus, render_fundus
from .mini_cityscapes import MINI_CITIES, generate_mini_cityscapes
from .street_scene import CAMERA_HEIGHT, render_street_image, sample_street_scene

__all__ = [
    'CAMERA_HEIGHT',
    'MINI_CITIES',
    'generate_fundus',
    'generate_mini_cityscapes',
    'render_fundus',
    'render_street_image',
    'sample_street_scene',
]
