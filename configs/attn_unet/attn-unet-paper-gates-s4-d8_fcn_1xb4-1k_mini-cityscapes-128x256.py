# The authors' gates (no norm on the joint term, inter channels = C_x, W output transform,
# gating block on the centre) on the AttentionUNet-S4-D8 mini Cityscapes setup.
_base_ = [
    './attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py',
    '../_base_/models/paper_gates.py',
]
model = dict(
    backbone=dict(
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
