# UNet-S4-D8 (4 stages, 3 downsamplings, base 16 channels) + FCN on the synthetic DRIVE set:
# a CPU-sized counterpart of the DRIVE reference, 1 process x 4 crops, 1k AdamW iterations,
# sliding-window test 64x64 / stride 42 as for DRIVE.
_base_ = [
    '../_base_/models/fcn_unet_s5-d16.py',
    '../_base_/datasets/drive_phantom.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_1k.py',
]
crop_size = (64, 64)
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
        dec_dilations=(1, 1, 1)),
    decode_head=dict(in_channels=16, in_index=3, channels=16, num_classes=2),
    auxiliary_head=dict(in_channels=32, in_index=2, channels=16, num_classes=2),
    test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(42, 42)))
