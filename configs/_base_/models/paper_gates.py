# The authors' gate (Attention-Gated-Networks, _GridAttentionBlockND in concatenation mode, as in
# unet_CT_single_att_dsv_3D): no norm on the joint term, inter channels = C_x, sigmoid, theta
# sub-sampling 2, and the gated skip re-projected by W (1x1 conv + BN). The presets use it as
# `gate_cfg={{_base_.paper_gate_cfg}}`, with `gating_block=True` for the centre.
paper_gate_cfg = dict(
    type='AttentionGate',
    inter_ratio=1.0,
    sub_sample=2,
    normalizer='sigmoid',
    joint_norm=False,
    out_transform=True)
