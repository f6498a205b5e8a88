# The authors' 2D network as closely as mmseg's UNet allows: their gates and gating block plus
# their fused deep supervision (unet_CT_single_att_dsv_3D, in 2D), on Cityscapes.
_base_ = [
    './attn-unet-s5-d16_fused-dsv_4xb4-160k_cityscapes-512x1024.py',
    '../_base_/models/paper_gates.py',
]
model = dict(
    backbone=dict(
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
