# Synapse multi-organ CT (mmseg's _base_/datasets/synapse.py), converted by
# tools/dataset_converters/synapse.py (mmseg's slices, byte for byte) into caseXXXX_sliceYYY.jpg /
# .png slices (background + 8 organs) under data/synapse/.
# Three changes from mmseg: label maps are rotated nearest-neighbour (RandomRotFlipNearest; mmseg's
# RandomRotFlip blends organ ids at edges), the evaluator scores per volume (DSC, HD95), as the
# published tables do, instead of pooled 2D pixels (IoUMetric), and the dataset is
# SynapseSliceDataset: mmseg's SynapseDataset that also puts the converter's record of how the
# slices were cut (conversion.json: context K, HU window, orientation) into its metainfo, and so
# into every checkpoint. 2D slices are .jpg; the 2.5D twins (*_synapse-2.5d-kK-*) read K-channel
# .tiff with LoadImageFromFile(imdecode_backend='tifffile').
dataset_type = 'SynapseSliceDataset'
img_suffix = '.jpg'
data_root = 'data/synapse/'
img_scale = (224, 224)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomRotFlipNearest', rotate_prob=0.5, flip_prob=0.5, degree=20),
    dict(type='PackCompactSegInputs')
]
# Annotations load after Resize: predictions are resized back and scored at the original 512x512.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackCompactSegInputs')
]
train_dataloader = dict(
    collate_fn=dict(type='shared_batch_collate'),  # one shared buffer per batch
    batch_size=6,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        img_suffix=img_suffix,
        data_prefix=dict(img_path='img_dir/train', seg_map_path='ann_dir/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        img_suffix=img_suffix,
        data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# DSC in percent, HD95 in voxels (as published); add nifti_label_dir='<raw>/label' for mm.
val_evaluator = dict(type='SynapseVolumeMetric')
test_evaluator = val_evaluator
