# The authors' 2D network on Synapse, as closely as mmseg's UNet allows: their gates and gating
# block plus their fused deep supervision (unet_CT_single_att_dsv_3D in 2D), under the
# TransUNet / Swin-Unet protocol.
_base_ = [
    './attn-unet-s5-d16_fused-dsv_1xb24-14k_synapse-224x224.py',
    '../_base_/models/paper_gates.py',
]
model = dict(
    backbone=dict(
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
