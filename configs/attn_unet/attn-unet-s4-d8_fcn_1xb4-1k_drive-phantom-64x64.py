# AttentionUNet-S4-D8 + FCN on the synthetic DRIVE set: the UNet-S4-D8 phantom setup with an
# attention gate on each of its three skip connections.
_base_ = ['../unet/unet-s4-d8_fcn_1xb4-1k_drive-phantom-64x64.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(True, True, True),
        gate_cfg=dict(type='AttentionGate', inter_ratio=0.25, sub_sample=2, normalizer='sigmoid')))
