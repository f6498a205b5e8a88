"""Seconds-long training runs of the mini Cityscapes config, for the tool tests."""

import json
from pathlib import Path

from .tools import REPO, run_tool

MINI_ATTN_CONFIG = 'configs/attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'


def probe_config(folder: Path, hooks) -> Path:
    """A config in ``folder``: the mini AttentionUNet config (guards kept) plus probe ``hooks``."""
    path = folder / 'probe_config.py'
    path.write_text(
        f"_base_ = ['{REPO / MINI_ATTN_CONFIG}']\n"
        "custom_imports = dict(imports=['attn_unet', 'tests.helpers.probe_hooks'], "
        'allow_failed_imports=False)\n'
        f'custom_hooks = _base_.custom_hooks + {[dict(type=name) for name in hooks]!r}\n'
    )
    return path


def tiny_options(data_root, iters: int = 2) -> list:
    """``--cfg-options`` turning the mini config into a seconds-long run on ``data_root``."""
    options = [
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'test_dataloader.dataset.data_root={data_root}',
        'train_dataloader.batch_size=2',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0',
        'train_dataloader.dataset.pipeline.2.scale=(128,64)',
        'train_dataloader.dataset.pipeline.3.crop_size=(64,128)',
        'val_dataloader.dataset.pipeline.1.scale=(128,64)',
        'test_dataloader.dataset.pipeline.1.scale=(128,64)',
        'model.data_preprocessor.size=(64,128)',
        'model.backbone.base_channels=4',
        'model.decode_head.in_channels=4',
        'model.decode_head.channels=4',
        'model.auxiliary_head.in_channels=8',
        'model.auxiliary_head.channels=4',
        f'train_cfg.max_iters={iters}',
        f'train_cfg.val_interval={iters}',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
        'default_hooks.logger.interval=1',
        f'param_scheduler.0.end={iters}',
        'env_cfg.mp_cfg.mp_start_method=fork',
    ]
    return options


def train_tiny(train_script, data_root: Path, work_dir: Path) -> Path:
    """``work_dir`` after a 2-iteration run of the mini AttentionUNet config by ``train_script``."""
    result = run_tool(
        train_script,
        MINI_ATTN_CONFIG,
        '--work-dir',
        work_dir,
        '--cfg-options',
        *tiny_options(data_root),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return work_dir


def single_and_two_rank_metrics(config, checkpoint, options: list, folder: Path) -> tuple:
    """``tools/test.py`` and ``tools/dist_test.sh ... 2`` (gloo) on the same checkpoint.

    Returns:
        ``(single-process metrics, 2-rank metrics, the 2-rank output)``, after
        checking that both ran and that the second was distributed over 2 ranks.
    """
    from .distributed import free_port

    runs = {}
    for name, launcher in (('single', ['tools/test.py']), ('dist', ['bash', 'tools/dist_test.sh'])):
        ranks = ['2'] if name == 'dist' else []
        env = {'PORT': str(free_port())} if name == 'dist' else None
        result = run_tool(
            *launcher, config, checkpoint, *ranks,
            '--work-dir', folder / name, '--out-metrics', folder / f'{name}.json', *options,
            env=env,
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.returncode == 0, output[-3000:]
        runs[name] = (json.loads((folder / f'{name}.json').read_text())['metrics'], output)
    output = runs['dist'][1]
    assert 'Distributed training: True' in output and 'GPU number: 2' in output, output[-3000:]
    return runs['single'][0], runs['dist'][0], output
