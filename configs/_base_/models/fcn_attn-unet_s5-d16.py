# AttentionUNet-S5-D16: UNet-S5-D16 whose four skip connections pass through attention gates.
_base_ = ['./fcn_unet_s5-d16.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(True, True, True, True),
        gate_inter_ratio=0.25,
        gate_sub_sample=2,
        gate_normalizer='sigmoid'))
