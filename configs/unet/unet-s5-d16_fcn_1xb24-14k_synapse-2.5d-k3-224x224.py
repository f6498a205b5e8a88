# UNet-S5-D16 + FCN on Synapse at 224x224 (the published protocol), 2.5D:
# each input holds K = 3 neighbouring slices (z-1, z, z+1) of the CT volume as its channels, as
# `tools/dataset_converters/synapse.py --context 3` writes them (lossless 3-channel TIFF, read by
# tifffile; JPEG's chroma subsampling would blur the slices into each other). Everything else is
# the 2D twin's (unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py).
_base_ = ['./unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py']
context = 3
data_root = 'data/synapse_k3/'
img_suffix = '.tiff'
# mean 0 / std 255 per slice, as the 2D configs; the channels are slices, not colours: no swap.
data_preprocessor = dict(mean=[0.0] * context, std=[255.0] * context, bgr_to_rgb=False)
model = dict(data_preprocessor=data_preprocessor, backbone=dict(in_channels=context))
# The 2D twin's pipelines, with the slices read by tifffile.
train_pipeline = _base_.train_pipeline
train_pipeline[0] = dict(type='LoadImageFromFile', imdecode_backend='tifffile')
test_pipeline = _base_.test_pipeline
test_pipeline[0] = dict(type='LoadImageFromFile', imdecode_backend='tifffile')
train_dataloader = dict(
    dataset=dict(data_root=data_root, img_suffix=img_suffix, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(data_root=data_root, img_suffix=img_suffix, pipeline=test_pipeline))
test_dataloader = val_dataloader
