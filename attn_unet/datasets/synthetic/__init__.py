"""Synthetic data generators: every dataset the project can make without a download."""

from .ct_phantom import (
    BTCV_LABELS,
    SYNAPSE_TEST_IDS,
    SYNAPSE_TRAIN_IDS,
    generate_ct_phantom,
    render_ct_case,
)

__all__ = [
    'BTCV_LABELS',
    'SYNAPSE_TEST_IDS',
    'SYNAPSE_TRAIN_IDS',
    'generate_ct_phantom',
    'render_ct_case',
]
