# Runtime shared by every attn-unet config. Importing attn_unet registers AttentionUNet,
# makes mmseg importable with mmcv-lite and lets torch's safe loader read checkpoints.
custom_imports = dict(imports=['attn_unet'], allow_failed_imports=False)
default_scope = 'mmseg'
# attn_unet's Runner: mmengine's, plus gloo/CPU distributed training and CPU SyncBN; one
# preflight (sizes, data, the checkpoint read once and checked to fit the model) with one-line
# errors; checkpoints written complete before older ones go (CheckpointHook becomes
# SafeCheckpointHook); exact resume (random state saved and restored); a locked work dir.
# mmseg's own tools/train.py and test.py build it from this key too.
runner_type = 'AttnUNetRunner'
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
tta_model = dict(type='SegTTAModel')
# Every batch's labels hold only class ids or the ignore index (the file is named otherwise).
custom_hooks = [dict(type='LabelIdGuardHook')]
# The file check before training / testing (attn_unet.datasets.integrity); cached, parallel.
data_check = dict(enabled=True, num_workers=None, cache_dir=None)
