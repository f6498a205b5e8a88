# The Synapse protocol of TransUNet / Swin-Unet: SGD lr 0.01, momentum 0.9, weight decay 1e-4, poly
# decay (power 0.9) to 0 over 150 epochs of 2211 slices at batch 24, ceil(2211 / 24) x 150 = 13,950
# iterations, rounded to 14k. PolyLR has no `end`: mmengine ends it at train_cfg.max_iters, so
# `--cfg-options train_cfg.max_iters=N` rescales the whole schedule.
# The protocol has no validation split (val = the 12 test cases) and reports the last checkpoint;
# the periodic validation only watches training, do not pick a "best" checkpoint from it.
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer, clip_grad=None)
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=14000, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # mmengine's CheckpointHook, removing old checkpoints only once the new one is complete
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=False, interval=2000, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
