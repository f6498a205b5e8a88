"""Every synthetic data generator: street scenes (mini Cityscapes), CT phantoms (Synapse),
pancreas phantoms (the Decathlon / nnU-Net layout) and fundus images (DRIVE), each written in
its dataset's original release layout."""

from .ct_phantom import (
    BTCV_LABELS,
    SYNAPSE_TEST_IDS,
    SYNAPSE_TRAIN_IDS,
    generate_ct_phantom,
    render_ct_case,
)
from .fundus import generate_fundus, render_fundus
from .mini_cityscapes import MINI_CITIES, generate_mini_cityscapes
from .pancreas_phantom import generate_decathlon_phantom, render_pancreas_case
from .street_scene import CAMERA_HEIGHT, render_street_image, sample_street_scene

__all__ = [
    'BTCV_LABELS',
    'CAMERA_HEIGHT',
    'MINI_CITIES',
    'SYNAPSE_TEST_IDS',
    'SYNAPSE_TRAIN_IDS',
    'generate_ct_phantom',
    'generate_decathlon_phantom',
    'generate_fundus',
    'generate_mini_cityscapes',
    'render_ct_case',
    'render_fundus',
    'render_pancreas_case',
    'render_street_image',
    'sample_street_scene',
]
