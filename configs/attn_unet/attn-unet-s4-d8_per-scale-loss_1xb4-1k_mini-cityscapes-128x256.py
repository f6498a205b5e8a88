# AttentionUNet-S4-D8 on mini Cityscapes with deep supervision (PerScaleLossHead) on its three
# decoder stages instead of the FCN heads.
_base_ = ['./attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py']
model = dict(
    decode_head=dict(
        _delete_=True,
        type='PerScaleLossHead',
        in_channels=[64, 32, 16],
        in_index=[1, 2, 3],
        drop_coarsest=True,
        num_classes=19,
        norm_cfg={{_base_.norm_cfg}},
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
