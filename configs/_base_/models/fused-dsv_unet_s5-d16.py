# UNet-S5-D16 with the authors' deep supervision (FusedDSVHead) instead of the FCN heads: the UNet
# twin of fused-dsv_attn-unet_s5-d16.py.
_base_ = ['./fcn_unet_s5-d16.py']
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='FusedDSVHead',
        in_channels=[512, 256, 128, 64],
        in_index=[1, 2, 3, 4],
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
