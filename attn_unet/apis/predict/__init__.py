"""From a checkpoint and new volumes (NIfTI cases, DICOM series) to label volumes a viewer opens.

What ``tools/predict.py`` runs; :func:`predict` is the entry point: one pipeline for every
checkpoint (:mod:`.pipeline`), with the checkpoint's slicing as the one dataset-specific part
(:mod:`.slicing`: :class:`SynapseSlicing` for Synapse and 2D models, :class:`PlanSlicing`
for models of a Decathlon / nnU-Net set). Several models predict as one ensemble
(:mod:`.ensemble`), the probabilities can be written (:mod:`.probabilities`), and the labels
postprocessed (:mod:`.postprocess`).

The names are imported on first use (PEP 562): the torch backend's modules load only when a
torch checkpoint is predicted with, so ``--backend onnxruntime`` runs without torch.
"""

from attn_unet.lazy_exports import lazy_exports

# name -> the module that defines it, imported on first use
_EXPORTS = {
    'POSTPROCESS_MODES': '.postprocess',
    'PREDICT_WORDING': '.options',
    'PROBABILITY_FORMATS': '.probabilities',
    'EnsembleSegmentor': '.ensemble',
    'Member': '.ensemble',
    'ProbabilityWriter': '.probabilities',
    'ImageOutputs': '.images',
    'PlanSlicing': '.plan_slicing',
    'PredictOptions': '.options',
    'ScanOutputs': '.outputs',
    'ScanPrediction': '.pipeline',
    'SlicePrediction': 'attn_unet.runtime.slice_prediction',
    'SliceSegmentor': '.slice_segmentor',
    'SynapseSlicing': '.synapse_slicing',
    'VolumePrediction': '.pipeline',
    'VolumeSlicing': '.slicing',
    'checkpoint_dataset_meta': '.slicing',
    'find_inputs': '.inputs',
    'image_outputs': '.images',
    'postprocessing_for': '.postprocess',
    'predict': '.pipeline',
    'probability_paths': '.probabilities',
    'rank_share': '.inputs',
    'resolve_members': '.ensemble',
    'segment_batch': '.tta',
    'segment_images': '.images',
    'segment_slices': '.slice_loop',
    'segment_volume': '.pipeline',
    'slicing_for': '.slicing',
    'split_model_args': '.ensemble',
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
