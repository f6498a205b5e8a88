# AttentionUNet-S4-D8 on the CT phantoms with the authors' fused deep supervision (FusedDSVHead) on
# its three decoder stages instead of the FCN heads; the Synapse loss (0.5 CE + 0.5 class-mean Dice)
# on the fused prediction.
_base_ = ['./attn-unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py']
model = dict(
    decode_head=dict(
        _delete_=True,
        type='FusedDSVHead',
        in_channels=[64, 32, 16],
        in_index=[1, 2, 3],
        num_classes=9,
        norm_cfg={{_base_.norm_cfg}},
        align_corners=False,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True, loss_weight=0.5),
            dict(type='ClassMeanDiceLoss', loss_weight=0.5),
        ]),
    auxiliary_head=None)
