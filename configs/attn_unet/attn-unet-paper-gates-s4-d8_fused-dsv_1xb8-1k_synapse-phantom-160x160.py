# The authors' gates, gating block and fused deep supervision on the CT phantoms: the Synapse phantom
# setup of the lean fused-dsv config with the gate of the authors' CT networks.
_base_ = ['./attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-phantom-160x160.py']
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
