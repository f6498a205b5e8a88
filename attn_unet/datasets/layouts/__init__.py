"""Dataset layouts as registered entries, one module per dataset.

Importing this package registers every entry in :data:`LAYOUTS` (Cityscapes, DRIVE,
Synapse, the Decathlon / nnU-Net converter's volumes); :func:`find_layout` gives the
entry of a config's dataset type.
"""

from .cityscapes import CITYSCAPES
from .decathlon import DECATHLON
from .drive import DRIVE
from .entry import LAYOUTS, LayoutEntry, find_layout, register_layout
from .synapse import SYNAPSE

__all__ = [
    'CITYSCAPES',
    'DECATHLON',
    'DRIVE',
    'LAYOUTS',
    'SYNAPSE',
    'LayoutEntry',
    'find_layout',
    'register_layout',
]
