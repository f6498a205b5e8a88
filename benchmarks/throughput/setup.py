"""The benchmark's data and config: generated street scenes, the real Cityscapes config.

``full`` is the real thing: 2048x1024 scenes through the config's own pipeline (random
resize around 2048x1024, 512x1024 crops), batch 4, the S5-D16 network. ``small`` keeps the
loop, hooks and pipeline steps but scales images, crops and channels down so the suite can
run it on a CPU in seconds. The Synapse loader reads generated CT phantoms (512x512 slices
at full size, as the real set's) converted by the real converter, through the real Synapse
config's pipeline and batch.
"""

import os.path as osp
from dataclasses import dataclass

from mmengine.config import Config

__all__ = ['SIZES', 'BenchSize', 'benchmark_config', 'ct_slices', 'street_scenes',
           'synapse_loader_config']  # fmt: skip

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SYNAPSE_CONFIG = 'configs/attn_unet/attn-unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py'
CONFIGS = {
    'attn': 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py',
    'unet': 'configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py',
}


@dataclass(frozen=True)
class BenchSize:
    """Image size (h, w), the pipeline's resize scale and crop (h, w), batch size."""

    image: tuple
    crop: tuple
    batch: int


SIZES = {
    'full': BenchSize(image=(1024, 2048), crop=(512, 1024), batch=4),
    'small': BenchSize(image=(128, 256), crop=(64, 128), batch=2),
}


def street_scenes(folder: str, size: BenchSize, count: int) -> str:
    """``count`` generated street scenes of ``size.image`` in the Cityscapes layout, converted.

    Returns:
        The data root (reused when it already holds a converted set of that size).
    """
    from attn_unet.datasets.cityscapes_convert import convert_cityscapes
    from demo.synthetic import generate_mini_cityscapes

    root = osp.join(folder, f'scenes_{size.image[0]}x{size.image[1]}_{count}')
    marker = osp.join(root, '.converted')
    if not osp.exists(marker):
        generate_mini_cityscapes(root, num_train=count, num_val=1, height=size.image[0],
                                 width=size.image[1])  # fmt: skip
        convert_cityscapes(root)
        open(marker, 'w').close()
    return root


def ct_slices(folder: str, size: BenchSize, cases: int = 2, slices: int = 24) -> str:
    """CT phantoms of ``size.image`` slices in the raw Synapse layout, converted to slices.

    Returns:
        The converted root (reused when it already holds a conversion of that size).
    """
    from attn_unet.datasets.synapse_convert import convert_synapse
    from demo.synthetic import generate_ct_phantom

    root = osp.join(folder, f'ct_{size.image[0]}x{size.image[0]}_{cases}x{slices}')
    marker = osp.join(root, '.converted')
    if not osp.exists(marker):
        side = size.image[0]
        raw = generate_ct_phantom(osp.join(root, 'raw'), cases, 1, slices, (side, side),
                                  progress=False)  # fmt: skip
        convert_synapse(str(raw), osp.join(root, 'slices'), progress=False)
        open(marker, 'w').close()
    return osp.join(root, 'slices')


def synapse_loader_config(data_root: str, batch: int | None = None) -> Config:
    """The real Synapse config (S5-D16, batch 24, 224x224), reading ``data_root``."""
    cfg = Config.fromfile(osp.join(REPO, SYNAPSE_CONFIG))
    cfg.train_dataloader.dataset.data_root = data_root
    if batch:
        cfg.train_dataloader.batch_size = batch
    return cfg


def benchmark_config(
    model: str,
    size: BenchSize,
    data_root: str,
    work_dir: str,
    iters: int,
    workers: int,
    base_channels: int | None = None,
    amp: bool = False,
    channels_last: bool = False,
) -> Config:
    """The real training config of ``model`` ('attn' or 'unet'), run for ``iters`` iterations.

    Nothing is validated or saved during the run (no val loop; the checkpoint interval lies
    past its end); every hook is the config's own.
    """
    cfg = Config.fromfile(osp.join(REPO, CONFIGS[model]))
    cfg.work_dir = work_dir
    cfg.launcher = 'none'
    train = cfg.train_dataloader
    train.dataset.data_root = data_root
    train.batch_size = size.batch
    train.num_workers = workers
    train.persistent_workers = workers > 0
    pipeline = train.dataset.pipeline
    resize = next(step for step in pipeline if step['type'] == 'RandomResize')
    resize['scale'] = (size.image[1], size.image[0])  # mmcv scales are (w, h)
    next(step for step in pipeline if step['type'] == 'RandomCrop')['crop_size'] = size.crop
    cfg.train_pipeline = pipeline
    cfg.model.data_preprocessor.size = size.crop
    test = cfg.test_dataloader
    test.dataset.data_root = data_root
    test.num_workers = 0
    test.persistent_workers = False
    resize = next(step for step in test.dataset.pipeline if step['type'] == 'Resize')
    resize['scale'] = (size.image[1], size.image[0])  # whole images, as generated
    cfg.test_pipeline = test.dataset.pipeline
    cfg.train_cfg.max_iters = iters
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # no validation in the loop
    cfg.default_hooks.checkpoint.interval = iters + 1
    cfg.default_hooks.checkpoint.save_last = False
    cfg.param_scheduler[0].end = iters
    cfg.env_cfg.cudnn_benchmark = True
    if base_channels:
        cfg.model.backbone.base_channels = base_channels
        cfg.model.decode_head.in_channels = base_channels
        cfg.model.decode_head.channels = base_channels
        cfg.model.auxiliary_head.in_channels = base_channels * 2
        cfg.model.auxiliary_head.channels = base_channels
    if amp:
        cfg.optim_wrapper.type = 'AutoAmpOptimWrapper'
    if channels_last:
        cfg.model_memory_format = 'channels_last'
    cfg.data_check = dict(enabled=False)  # the preflight is not the loop
    return cfg
