# Synthetic abdominal CT phantoms, converted by the Synapse converter (img_dir/, ann_dir/):
# the Synapse layout and pipeline under data/synapse_phantom/, 256x256 slices trained and scored
# at 160x160, small CPU dataloaders.
_base_ = ['./synapse.py']
data_root = 'data/synapse_phantom/'
img_scale = (160, 160)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomRotFlipNearest', rotate_prob=0.5, flip_prob=0.5, degree=20),
    dict(type='PackCompactSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackCompactSegInputs')
]
train_dataloader = dict(
    collate_fn=dict(type='shared_batch_collate'),  # one shared buffer per batch
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
