"""The Medical Segmentation Decathlon / nnU-Net v2 raw layout in; slices, folds and configs out.

One module per step: ``raw_set`` (``dataset.json`` and the file names), ``case_headers``
(every case's grid), ``fingerprint`` (every case read once), ``planner`` (the slice plan and
crop), ``splits`` (the folds), ``config_writer`` (the fitted configs) and ``convert`` (the
steps in order, into a staged output). The slice arithmetic the predictor shares lives in
the torch-free :mod:`attn_unet.slicing`: :mod:`attn_unet.slicing.slice_plan`,
:mod:`attn_unet.slicing.volume_slices`, :mod:`attn_unet.slicing.case_slices`.
"""

from .convert import CONVERTER, ConvertOptions, convert_decathlon
from .raw_set import DecathlonConvertError, RawCase, RawSet, read_raw_set

__all__ = [
    'CONVERTER',
    'ConvertOptions',
    'DecathlonConvertError',
    'RawCase',
    'RawSet',
    'convert_decathlon',
    'read_raw_set',
]
