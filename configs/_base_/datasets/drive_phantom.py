# Synthetic DRIVE (demo/generate_fundus.py, 256x256 photographs, converted by
# tools/dataset_converters/drive.py into data/DRIVE_phantom): DRIVE's pipeline at this
# image size, 64x64 crops, small CPU dataloaders. demo/drive_demo.sh builds it.
_base_ = ['./drive.py']
data_root = 'data/DRIVE_phantom'
img_scale = (256, 256)
crop_size = (64, 64)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=img_scale, ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackCompactSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackCompactSegInputs'),
]
train_dataloader = dict(
    collate_fn=dict(type='shared_batch_collate'),  # one shared buffer per batch
    num_workers=1,
    dataset=dict(times=1000, dataset=dict(data_root=data_root, pipeline=train_pipeline)))
val_dataloader = dict(
    num_workers=1,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
