# AttentionUNet-S5-D16: UNet-S5-D16 whose three coarser skip connections pass through attention
# gates. The full-resolution skip stays ungated, as in the authors' code: gating it too costs a
# 1.13x train step over UNet at 512x1024 (README, Results); set (True, True, True, True) for it.
_base_ = ['./fcn_unet_s5-d16.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(False, True, True, True),
        gate_inter_ratio=0.25,
        gate_sub_sample=2,
        gate_normalizer='sigmoid'))
