# Reference: mmseg's UNet-S5-D16 + FCN on HRF, 4 cards x 4 images, 40k iterations,
# two classes (background, vessel), sliding-window test 256x256 with stride 170.
_base_ = [
    '../_base_/models/fcn_unet_s5-d16.py',
    '../_base_/datasets/hrf.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_40k.py',
]
crop_size = (256, 256)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(num_classes=2),
    auxiliary_head=dict(num_classes=2),
    test_cfg=dict(mode='slide', crop_size=(256, 256), stride=(170, 170)))
