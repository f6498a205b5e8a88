# Binary variant of unet-s4-d8 + FCN on the synthetic DRIVE set: one sigmoid output channel per
# head, sigmoid cross-entropy, vessel where sigmoid > 0.5.
_base_ = ['./unet-s4-d8_fcn_1xb4-1k_drive-phantom-64x64.py']
binary_head = dict(
    num_classes=2,
    out_channels=1,
    threshold=0.5,
    loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0))
model = dict(
    decode_head=binary_head,
    auxiliary_head=dict(binary_head, loss_decode=dict(binary_head['loss_decode'], loss_weight=0.4)))
