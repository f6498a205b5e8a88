"""nnU-Net v2's side of ``benchmarks/nnunet_comparison.py``.

:mod:`.raw_layout` lays a raw set out as nnU-Net's ``nnUNet_raw/DatasetNNN_Name`` (links, its
``dataset.json``, the converter's folds as ``splits_final.json``); :mod:`.scoring` scores
label volumes of both tools with one rule. ``driver.py`` is not imported here: it runs in
nnU-Net's own Python (its own virtual environment) as a child process.
"""

from .raw_layout import nnunet_dataset, write_splits
from .scoring import score_volumes

__all__ = ['nnunet_dataset', 'score_volumes', 'write_splits']
