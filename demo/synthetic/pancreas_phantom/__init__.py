"""Pancreas CT phantoms with a tumour, in the raw layout of the Medical Segmentation Decathlon.

Task07 of the Decathlon (pancreas and tumour in portal-venous CT, memorial Sloan Kettering)
needs a download of tens of gigabytes; these phantoms let the whole Decathlon / nnU-Net path
(the converter's fingerprint and plan, training with the config it writes, the per-volume
metric with its rule for absent classes, and prediction back onto each scan's grid) run
anywhere. Each case is an abdominal CT phantom of :mod:`demo.synthetic.ct_phantom`, cut to
the pancreas region, with a hypodense tumour inside the pancreas (most cases) and labels
0 background, 1 pancreas, 2 cancer. Spacing is anisotropic (1.9 x 1.9 x 4 mm), the cases are
stored in three voxel orders, and a second, MRI-like channel (T2: no absolute scale, the
tumour bright) can be added for the multi-channel path.

One module per step: ``tumour`` (the lesion), ``case`` (one case as arrays) and
``release_layout`` (a whole raw set on disk, Decathlon or nnU-Net v2).
"""

from .case import LABELS, STORED_ORDERS, render_pancreas_case
from .release_layout import generate_decathlon_phantom

__all__ = ['LABELS', 'STORED_ORDERS', 'generate_decathlon_phantom', 'render_pancreas_case']
