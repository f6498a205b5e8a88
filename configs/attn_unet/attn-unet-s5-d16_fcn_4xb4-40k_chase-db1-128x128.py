# AttentionUNet-S5-D16 + FCN on CHASE_DB1: mmseg's UNet-S5-D16 vessel setup (same pipeline,
# 40k schedule, sliding-window test 128x128 / stride 85) with attention-gated skips.
_base_ = [
    '../_base_/models/fcn_attn-unet_s5-d16.py',
    '../_base_/datasets/chase_db1.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_40k.py',
]
crop_size = (128, 128)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(num_classes=2),
    auxiliary_head=dict(num_classes=2),
    test_cfg=dict(mode='slide', crop_size=(128, 128), stride=(85, 85)))
