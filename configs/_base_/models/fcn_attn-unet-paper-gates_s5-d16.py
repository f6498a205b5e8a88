# AttentionUNet-S5-D16 with the authors' gates (Attention-Gated-Networks, _GridAttentionBlockND in
# concatenation mode, as in unet_CT_single_att_dsv_3D): no norm on the joint term, inter channels
# = C_x, the gated skip re-projected by W (1x1 conv + BN), and the centre passed through a gating
# block (1x1 conv + BN + ReLU) before it gates the coarsest skip. The encoder and decoder stay
# mmseg's UNet (the authors upsample trilinearly and convolve; InterpConv is bilinear + conv).
_base_ = ['./fcn_attn-unet_s5-d16.py', './paper_gates.py']
model = dict(
    backbone=dict(
        attention_stages=(False, True, True, True),
        gate_cfg={{_base_.paper_gate_cfg}},
        gating_block=True))
