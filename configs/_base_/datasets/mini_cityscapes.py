# Mini Cityscapes (demo/generate_mini_cityscapes.py): the Cityscapes layout and pipeline
# shape, images 256x512 under data/mini_cityscapes, trained and evaluated at 128x256 (base scale
# (256, 128), so a 128x256 crop sees a whole scene at ratio 1), small CPU dataloaders.
_base_ = ['./cityscapes.py']
data_root = 'data/mini_cityscapes/'
crop_size = (128, 256)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(256, 128), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackCompactSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 128), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackCompactSegInputs'),
]
train_dataloader = dict(
    collate_fn=dict(type='shared_batch_collate'),  # one shared buffer per batch
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
