# AttentionUNet-S4-D8 + fused deep supervision on the CT phantoms, 2.5D:
# K = 5 slices (z-2 .. z+2) per input, converted with
# `tools/dataset_converters/synapse.py --context 5`: the K = 3 twin
# (attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-2.5d-k3-phantom-160x160.py) with five input channels.
_base_ = ['./attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-2.5d-k3-phantom-160x160.py']
context = 5
data_root = 'data/synapse_phantom_k5/'
data_preprocessor = dict(mean=[0.0] * context, std=[255.0] * context)
model = dict(data_preprocessor=data_preprocessor, backbone=dict(in_channels=context))
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
