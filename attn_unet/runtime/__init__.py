"""The torch-free runtime: an exported model and its card (what feeds it a scan and reads it).

An ONNX file written by ``tools/deployment/export_onnx.py`` carries its card (:mod:`.card`):
the slicing of its training volumes, the test pipeline's resize, the data preprocessor's
normalisation, the classes and label values, the mirrors its training applied and the
intensity range its training volumes held. :class:`OnnxModel` runs it on onnxruntime and
:class:`OnnxSliceSegmentor` repeats, in numpy, what torch does around the graph
(:mod:`.preprocess`). This room imports numpy, onnxruntime and, where a model needs them,
OpenCV and Pillow; never torch, mmengine, mmcv or mmseg (an import-linter contract holds it).
"""

from .card import CARD_KEYS, CARD_VERSION, GRAPH_KEYS, ModelCard
from .segmentor import OnnxSliceSegmentor
from .session import INPUT_NAME, OUTPUT_NAME, OnnxModel
from .slice_prediction import SlicePrediction

__all__ = [
    'CARD_KEYS',
    'CARD_VERSION',
    'GRAPH_KEYS',
    'INPUT_NAME',
    'OUTPUT_NAME',
    'ModelCard',
    'OnnxModel',
    'OnnxSliceSegmentor',
    'SlicePrediction',
]
