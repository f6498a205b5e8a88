# The authors' gates, gating block and fused deep supervision on the mini Cityscapes setup.
_base_ = [
    './attn-unet-s4-d8_fused-dsv_1xb4-1k_mini-cityscapes-128x256.py',
    '../_base_/models/paper_gates.py',
]
model = dict(
    backbone=dict(
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
