# UNet-S5-D16 + FCN on Synapse multi-organ CT at 224x224, the TransUNet / Swin-Unet protocol:
# 18 training cases, 12 test cases scored per volume (DSC, HD95), batch 24, SGD with poly decay over
# 14k iterations, 0.5 CE + 0.5 class-mean Dice. 1 GPU x 24 slices.
_base_ = [
    '../_base_/models/fcn_unet_s5-d16_synapse.py',
    '../_base_/datasets/synapse.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_14k_synapse.py',
]
crop_size = (224, 224)
data_preprocessor = dict(size=crop_size)
model = dict(data_preprocessor=data_preprocessor, test_cfg=dict(mode='whole'))
train_dataloader = dict(batch_size=24, num_workers=8)
val_dataloader = dict(batch_size=1, num_workers=4)
test_dataloader = val_dataloader
