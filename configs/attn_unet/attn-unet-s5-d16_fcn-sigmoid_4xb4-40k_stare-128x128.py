# Binary variant of attn-unet-s5-d16_fcn_4xb4-40k_stare-128x128.py: one output channel per head, sigmoid
# cross-entropy, vessel where sigmoid > 0.5. (mmseg's DiceLoss cannot be used here: with one
# channel it scores the background, label 0.) VesselMetric reports the same numbers as for the
# two-channel softmax model.
_base_ = './attn-unet-s5-d16_fcn_4xb4-40k_stare-128x128.py'
binary_head = dict(
    num_classes=2,
    out_channels=1,
    threshold=0.5,
    loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0))
model = dict(
    decode_head=binary_head,
    auxiliary_head=dict(binary_head, loss_decode=dict(binary_head['loss_decode'], loss_weight=0.4)))
