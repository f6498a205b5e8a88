# Runtime shared by every attn-unet config. Importing attn_unet registers AttentionUNet,
# makes mmseg importable with mmcv-lite and lets torch's safe loader read checkpoints.
custom_imports = dict(imports=['attn_unet'], allow_failed_imports=False)
default_scope = 'mmseg'
# attn_unet's Runner: mmengine's, plus one preflight (sizes, data, the checkpoint read once and
# checked to fit the model) with one-line errors; checkpoints written whole and never with
# nan/inf weights; a locked work dir; gloo/CPU distributed training and CPU SyncBN. It adds no
# hook and swaps no type behind the config: what runs is named here and in the schedule.
# mmseg's own tools/train.py builds it from this key too; mmseg's tools/test.py does not.
runner_type = 'AttnUNetRunner'
# What runs, beyond mmengine's default hooks:
# - the schedule (configs/_base_/schedules) names the loop, mmengine's IterBasedTrainLoop,
#   and default_hooks.checkpoint=SafeCheckpointHook: mmengine's CheckpointHook, removing old
#   checkpoints only once the new one is complete (the runner refuses the plain one);
# - custom_hooks below: the guards. Keep them when a config sets its own custom_hooks
#   (custom_hooks = _base_.custom_hooks + [...]); the runner warns about a missing one.
custom_hooks = [
    # stop at the first nan/inf loss (checked every iteration) or weight (every 50)
    dict(type='DivergenceGuardHook', weights_interval=50),
    # label ids outside the classes stop the run, checked in the data loader's workers
    dict(type='LabelIdGuardHook'),
    # the random state saved with each checkpoint and put back on --resume
    dict(type='ExactResumeHook'),
    # a class the references hold but no validation / test prediction does: one warning line
    dict(type='UnpredictedClassHook'),
    # the gates' alpha per stage (mean, spread, closed / open share) at the logging interval
    dict(type='GateStatisticsHook'),
]
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
# The file check before training / testing (attn_unet.datasets.integrity); cached, parallel.
data_check = dict(enabled=True, num_workers=None, cache_dir=None)
