# The authors' 2D network on Synapse, as closely as mmseg's UNet allows: their gates and gating
# block plus their fused deep supervision (unet_CT_single_att_dsv_3D in 2D), under the
# TransUNet / Swin-Unet protocol.
_base_ = ['./attn-unet-s5-d16_fused-dsv_1xb24-14k_synapse-224x224.py']
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
