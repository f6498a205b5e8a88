# Volumes converted by tools/dataset_converters/decathlon.py (a Decathlon or nnU-Net v2 raw
# folder): data_root/img_dir/<case>_sliceZZZ.tiff (float32, C channels x K slices, normalised by
# the converter as its conversion.json says) and ann_dir/<case>_sliceZZZ.png (class ids 0..N-1),
# one folder for every training case; the folds are lists of slices under splits/. The converter
# writes a config per network that sets data_root, the classes, the input channels, crop_size and
# the fold; this file holds what is the same for every set.
# VolumeSliceDataset is mmseg's BaseSegDataset plus the converter's record (the slice plan and
# every case's grid), which reaches each checkpoint's meta, so tools/predict.py cuts a new scan as
# the training volumes were cut and VolumeMetric scores HD95 in mm.
dataset_type = 'VolumeSliceDataset'
data_root = 'data/decathlon/'
crop_size = (256, 256)
# No resizing: slices keep their voxel grid. A random crop (padded to crop_size by the data
# preprocessor when a slice is smaller) and a small rotation; the corners a rotation uncovers are
# ignored by the loss (255). No flips: many sets name structures by side (left / right kidney).
train_pipeline = [
    dict(type='LoadImageFromFile', imdecode_backend='tifffile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomRotate', prob=0.5, degree=15, pad_val=0, seg_pad_val=255),
    dict(type='PackCompactSegInputs')
]
# Whole slices, padded to the backbone's downsample rate (model.data_preprocessor.test_cfg).
test_pipeline = [
    dict(type='LoadImageFromFile', imdecode_backend='tifffile'),
    dict(type='LoadAnnotations'),
    dict(type='PackCompactSegInputs')
]
data_prefix = dict(img_path='img_dir', seg_map_path='ann_dir')
train_dataloader = dict(
    collate_fn=dict(type='shared_batch_collate'),  # one shared buffer per batch
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='splits/fold0_train.txt',
        data_prefix=data_prefix,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='splits/fold0_val.txt',
        data_prefix=data_prefix,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# Per volume, per class, per case: DSC (%) and HD95 (mm, from the recorded spacing); a class in
# neither the reference nor the prediction of a case does not count for it (nnU-Net's rule).
val_evaluator = dict(type='VolumeMetric', empty='nnunet', per_case=True)
test_evaluator = val_evaluator
