# AttentionUNet-S5-D16 on Synapse (the TransUNet / Swin-Unet protocol) with the authors' fused deep
# supervision (FusedDSVHead) on its four decoder stages instead of the FCN heads; the Synapse loss
# (0.5 CE + 0.5 class-mean Dice) on the fused prediction.
_base_ = ['./attn-unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py']
model = dict(
    decode_head=dict(
        _delete_=True,
        type='FusedDSVHead',
        in_channels=[512, 256, 128, 64],
        in_index=[1, 2, 3, 4],
        num_classes=9,
        norm_cfg={{_base_.norm_cfg}},
        align_corners=False,
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True, loss_weight=0.5),
            dict(type='ClassMeanDiceLoss', loss_weight=0.5),
        ]),
    auxiliary_head=None)
