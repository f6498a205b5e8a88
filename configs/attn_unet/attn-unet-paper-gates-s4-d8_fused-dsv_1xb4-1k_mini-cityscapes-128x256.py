# The authors' gates, gating block and fused deep supervision on the mini Cityscapes setup.
_base_ = ['./attn-unet-s4-d8_fused-dsv_1xb4-1k_mini-cityscapes-128x256.py']
model = dict(
    backbone=dict(
        gate_cfg=dict(
            type='AttentionGate',
            inter_ratio=1.0,
            sub_sample=2,
            normalizer='sigmoid',
            joint_norm=False,
            out_transform=True),
        gating_block=True))
