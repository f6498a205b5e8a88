# AttentionUNet-S5-D16: UNet-S5-D16 whose three coarser skip connections pass through attention
# gates. The full-resolution skip stays ungated, as in the authors' code: gating it too makes the
# train step about 1.08x UNet's at 512x1024 instead of about 1.0x (README, Results); set
# (True, True, True, True) for it.
_base_ = ['./fcn_unet_s5-d16.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(False, True, True, True),
        gate_inter_ratio=0.25,
        gate_sub_sample=2,
        gate_normalizer='sigmoid'))
