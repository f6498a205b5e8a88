"""Abdominal CT phantoms in the raw layout of the Synapse (BTCV) multi-organ set.

The real set (Multi-Atlas Labeling Beyond the Cranial Vault, synapse.org) needs
a registration; these phantoms let the whole Synapse path (mmseg's converter,
the per-volume metric, training and the attention maps) run anywhere. Each case
is a contrast-enhanced abdomen in Hounsfield units on a NIfTI grid with a real
voxel spacing, labelled with the 13 original BTCV organ ids (:data:`BTCV_LABELS`).

One module per step: ``btcv`` (organ ids and the standard split), ``scan`` (field
of view and reference HU), ``canvas`` and ``shapes`` (the volumes painted on and
the ellipsoids and tubes painted with), ``anatomy`` (the organs of one case),
``render`` (one case as NIfTI arrays) and ``release_layout`` (a whole raw set on disk).
"""

from .btcv import BTCV_LABELS, SYNAPSE_TEST_IDS, SYNAPSE_TRAIN_IDS
from .release_layout import generate_ct_phantom
from .render import render_ct_case
from .scan import ABDOMEN_LENGTH_MM, AIR_HU, FAT_HU, FIELD_OF_VIEW_MM, PARENCHYMA_HU

__all__ = [
    'ABDOMEN_LENGTH_MM',
    'AIR_HU',
    'BTCV_LABELS',
    'FAT_HU',
    'FIELD_OF_VIEW_MM',
    'PARENCHYMA_HU',
    'SYNAPSE_TEST_IDS',
    'SYNAPSE_TRAIN_IDS',
    'generate_ct_phantom',
    'render_ct_case',
]
