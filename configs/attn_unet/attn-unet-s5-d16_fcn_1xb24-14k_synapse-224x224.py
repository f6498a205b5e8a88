# AttentionUNet-S5-D16 + FCN on Synapse multi-organ CT at 224x224: the UNet Synapse setup with
# attention gates on the three coarser skips (the gate settings of
# _base_/models/fcn_attn-unet_s5-d16.py).
_base_ = ['../unet/unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(False, True, True, True),
        gate_inter_ratio=0.25,
        gate_sub_sample=2,
        gate_normalizer='sigmoid'))
