"""Deployment: a shape-generic ONNX export of a segmentor and its onnxruntime backend.

Independent of the engine: it takes a built segmentor and gives back an ONNX
model, or runs one. onnx and onnxruntime are optional
(``pip install -e ".[deploy]"``) and imported only when used.
"""

from .dependencies import DEPLOY_PACKAGES, require
from .onnx_export import (
    INPUT_NAME,
    METADATA_KEYS,
    OPSET,
    OUTPUT_NAME,
    export_onnx_model,
    input_channels,
)
from .onnx_runtime import OnnxSegmentor
from .segmentor_logits import SegmentorLogits
from .shape_generic import ScaleFactorUpsample, make_shape_generic
from .verification import (
    DEFAULT_MAX_NEAR_TIES,
    DEFAULT_TOLERANCE,
    ClassAgreement,
    LogitCheck,
    class_agreement,
    compare_logits,
    pixel_differences,
    predicted_classes,
    preprocessed_batch,
)

__all__ = [
    'ClassAgreement',
    'DEFAULT_MAX_NEAR_TIES',
    'DEFAULT_TOLERANCE',
    'DEPLOY_PACKAGES',
    'INPUT_NAME',
    'LogitCheck',
    'METADATA_KEYS',
    'OPSET',
    'OUTPUT_NAME',
    'OnnxSegmentor',
    'ScaleFactorUpsample',
    'SegmentorLogits',
    'class_agreement',
    'compare_logits',
    'export_onnx_model',
    'input_channels',
    'make_shape_generic',
    'pixel_differences',
    'predicted_classes',
    'preprocessed_batch',
    'require',
]
