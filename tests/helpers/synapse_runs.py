"""Seconds-long training runs of the Synapse phantom configs on a tiny generated CT set."""

from pathlib import Path

from .tools import run_tool

PHANTOM_ATTN_CONFIG = 'configs/attn_unet/attn-unet-s4-d8_fcn_1xb8-1k_synapse-phantom-160x160.py'


def tiny_synapse_options(data_root, size: int, iters: int, lr: float = 0.01) -> list:
    """``--cfg-options`` turning a phantom config into a seconds-long run on ``data_root``.

    At 64x64 with 8 base channels, 300 iterations learn the liver (DSC 0.7-0.9) at ``lr`` 0.01
    with the phantom configs' AdamW and at 0.1 with the protocol configs' SGD: enough for
    predictions that vary over the volume.
    """
    return [
        *(f'{s}_dataloader.dataset.data_root={data_root}' for s in ('train', 'val', 'test')),
        'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        f'train_dataloader.dataset.pipeline.2.scale=({size},{size})',
        f'val_dataloader.dataset.pipeline.1.scale=({size},{size})',
        f'test_dataloader.dataset.pipeline.1.scale=({size},{size})',
        f'test_pipeline.1.scale=({size},{size})',
        f'model.data_preprocessor.size=({size},{size})',
        'model.backbone.base_channels=8',
        'model.decode_head.in_channels=8',
        'model.decode_head.channels=8',
        'model.auxiliary_head.in_channels=16',
        'model.auxiliary_head.channels=8',
        f'train_cfg.max_iters={iters}',
        f'train_cfg.val_begin={iters + 1}',
        f'default_hooks.checkpoint.interval={iters}',
        'default_hooks.logger.interval=10',
        f'optim_wrapper.optimizer.lr={lr}',
    ]


def train_phantom(
    config: str, data_root: Path, work_dir: Path, size: int, iters: int, lr: float = 0.01
) -> Path:
    """Train ``config`` on ``data_root``; returns the last checkpoint."""
    result = run_tool(
        'tools/train.py', config, '--work-dir', work_dir,
        '--cfg-options', *tiny_synapse_options(data_root, size, iters, lr),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return Path((work_dir / 'last_checkpoint').read_text().strip())
