# AttentionUNet-S5-D16: UNet-S5-D16 whose three coarser skip connections pass through attention
# gates. The full-resolution skip stays ungated, as in the authors' code: gating it too makes the
# train step about 1.08x UNet's at 512x1024 instead of about 1.0x (README, Results); set
# (True, True, True, True) for it.
_base_ = ['./fcn_unet_s5-d16.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(False, True, True, True),
        gate_cfg=dict(
            type='AttentionGate',
            inter_ratio=0.25,  # inter channels = 0.25 C_x (authors: 1.0)
            sub_sample=2,  # theta: 2x2 conv, stride 2, onto g's grid
            normalizer='sigmoid',
            joint_norm=True,  # norm on theta(x) + phi(g) (authors: none)
            out_transform=False),  # W: 1x1 conv + norm on the gated skip (authors: on)
        gating_block=False))  # 1x1 conv + norm + act on the centre (authors: on)
