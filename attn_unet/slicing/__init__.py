"""How volumes become the 2D slices a network reads, shared by converters and predictors alike.

The Synapse slicing (:mod:`.ct_slices`: mmseg's HU window, axis order and JPEG slices) and the
slice plan the Decathlon / nnU-Net converter fits (:mod:`.slice_plan`, :mod:`.volume_slices`,
:mod:`.case_slices`: any modality, a canonical voxel order, float TIFF inputs), and the
intensity range a training set held (:mod:`.intensity_range`), which a predictor holds a
new scan to. numpy only (Pillow and tifffile where a file is written or read; nibabel through
:mod:`attn_unet.volumes`): no torch, so the torch-free onnxruntime predictor uses the very
code the converters and the torch predictor use.
"""
