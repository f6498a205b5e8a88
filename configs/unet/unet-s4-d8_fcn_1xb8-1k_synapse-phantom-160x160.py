# UNet-S4-D8 (4 stages, 3 downsamplings, base 16 channels) + FCN on the synthetic CT phantoms at
# 160x160: the Synapse model (9 classes, 0.5 CE + 0.5 class-mean Dice, CT input scaling) sized for
# a CPU, 1 process x 8 slices, BN, AdamW.
# Iterations: `--cfg-options train_cfg.max_iters=N` is enough; the poly decay ends at max_iters,
# and validation and the checkpoint come at the last iteration (and every 1000).
_base_ = [
    '../_base_/models/fcn_unet_s5-d16_synapse.py',
    '../_base_/datasets/synapse_phantom.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_1k.py',
]
crop_size = (160, 160)
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        base_channels=16,
        num_stages=4,
        strides=(1, 1, 1, 1),
        enc_num_convs=(2, 2, 2, 2),
        dec_num_convs=(2, 2, 2),
        downsamples=(True, True, True),
        enc_dilations=(1, 1, 1, 1),
        dec_dilations=(1, 1, 1),
        norm_cfg=norm_cfg),
    decode_head=dict(in_channels=16, in_index=3, channels=16, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=32, in_index=2, channels=16, norm_cfg=norm_cfg),
    test_cfg=dict(mode='whole'))
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-5, power=0.9, begin=0, by_epoch=False),
]
train_cfg = dict(max_iters=1000, val_interval=1000)
default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=1))
