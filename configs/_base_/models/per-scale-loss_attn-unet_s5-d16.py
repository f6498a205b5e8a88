# nnU-Net's deep supervision: each decoder stage gets a 1x1 classifier and its own loss,
# weights 1/2^i (i = 0 finest) normalised, the coarsest stage dropped: (0, 1/7, 2/7, 4/7).
# Labels are downsampled (nearest) to each stage. It replaces the FCN heads.
_base_ = ['./fcn_attn-unet_s5-d16.py']
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='PerScaleLossHead',
        in_channels=[512, 256, 128, 64],
        in_index=[1, 2, 3, 4],
        drop_coarsest=True,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
