# AttentionUNet-S5-D16 + FCN on Synapse at 224x224 (the published protocol), 2.5D:
# K = 5 slices (z-2 .. z+2) per input, converted with
# `tools/dataset_converters/synapse.py --context 5`: the K = 3 twin
# (attn-unet-s5-d16_fcn_1xb24-14k_synapse-2.5d-k3-224x224.py) with five input channels.
_base_ = ['./attn-unet-s5-d16_fcn_1xb24-14k_synapse-2.5d-k3-224x224.py']
context = 5
data_root = 'data/synapse_k5/'
data_preprocessor = dict(mean=[0.0] * context, std=[255.0] * context)
model = dict(data_preprocessor=data_preprocessor, backbone=dict(in_channels=context))
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
