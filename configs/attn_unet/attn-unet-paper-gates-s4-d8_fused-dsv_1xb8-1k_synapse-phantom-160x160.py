# The authors' gates, gating block and fused deep supervision on the CT phantoms: the Synapse phantom
# setup of the lean fused-dsv config with the gate of the authors' CT networks.
_base_ = [
    './attn-unet-s4-d8_fused-dsv_1xb8-1k_synapse-phantom-160x160.py',
    '../_base_/models/paper_gates.py',
]
model = dict(
    backbone=dict(
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
