# Short CPU schedule for the mini set: 1k iterations, validate and save every 200.
# AdamW rather than SGD: a small UNet from scratch learns in far fewer CPU iterations.
_base_ = ['./schedule_160k.py']
optimizer = dict(_delete_=True, type='AdamW', lr=0.003, betas=(0.9, 0.999), weight_decay=0.01)
optim_wrapper = dict(optimizer=optimizer)
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-5, power=0.9, begin=0, end=1000, by_epoch=False),
]
train_cfg = dict(max_iters=1000, val_interval=200)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=200, max_keep_ckpts=2))
