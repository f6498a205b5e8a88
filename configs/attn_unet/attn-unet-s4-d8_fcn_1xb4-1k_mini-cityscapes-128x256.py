# AttentionUNet-S4-D8 + FCN on mini Cityscapes: the UNet-S4-D8 mini setup with an
# attention gate on each of its three skip connections.
_base_ = ['../unet/unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py']
model = dict(
    backbone=dict(
        type='AttentionUNet',
        attention_stages=(True, True, True),
        gate_cfg=dict(
            type='AttentionGate',
            inter_ratio=0.25,  # inter channels = 0.25 C_x (authors: 1.0)
            sub_sample=2,  # theta: 2x2 conv, stride 2, onto g's grid
            normalizer='sigmoid',
            joint_norm=True,  # norm on theta(x) + phi(g) (authors: none)
            out_transform=False),  # W: 1x1 conv + norm on the gated skip (authors: on)
        gating_block=False))  # 1x1 conv + norm + act on the centre (authors: on)
