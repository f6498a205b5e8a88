# AttentionUNet-S4-D8 + FCN on the synthetic CT phantoms: the UNet-S4-D8 phantom setup with an
# attention gate on each of its three skip connections.
_base_ = ['../unet/unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(True, True, True),
        gate_inter_ratio=0.25,
        gate_sub_sample=2,
        gate_normalizer='sigmoid'))
