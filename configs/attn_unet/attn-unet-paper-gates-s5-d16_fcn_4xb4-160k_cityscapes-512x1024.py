# The authors' gates on AttentionUNet-S5-D16 + FCN on Cityscapes (see the _base_ model for what
# is theirs); everything else as the lean AttentionUNet config.
_base_ = [
    './attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py',
    '../_base_/models/paper_gates.py',
]
model = dict(
    backbone=dict(
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
