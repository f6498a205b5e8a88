"""Shared fixtures of the tool tests: a tiny converted mini Cityscapes and a tiny model."""

import hashlib
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MINI_ATTN_CONFIG = 'configs/attn_unet/attn-unet-s4-d8_fcn_1xb4-1k_mini-cityscapes-128x256.py'
TOOL_TIMEOUT = 300


@pytest.fixture(scope='session')
def tiny_data(tmp_path_factory) -> Path:
    """4 train / 2 val images of 64x128, converted to trainIds."""
    from attn_unet.datasets.cityscapes_convert import convert_cityscapes
    from attn_unet.datasets.synthetic import generate_mini_cityscapes

    root = generate_mini_cityscapes(
        tmp_path_factory.mktemp('data') / 'mini', num_train=4, num_val=2, height=64, width=128
    )
    convert_cityscapes(root)
    return root


def probe_config(folder: Path, hooks) -> Path:
    """A config in ``folder``: the mini AttentionUNet config plus the probe ``hooks``."""
    path = folder / 'probe_config.py'
    path.write_text(
        f"_base_ = ['{REPO / MINI_ATTN_CONFIG}']\n"
        "custom_imports = dict(imports=['attn_unet', 'tests.test_tools.probe_hooks'], "
        'allow_failed_imports=False)\n'
        f'custom_hooks = {[dict(type=name) for name in hooks]!r}\n'
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


def run_tool(*args, timeout: int = TOOL_TIMEOUT, env=None) -> subprocess.CompletedProcess:
    """Run ``args`` (a tool command line) from the repo root, capturing its output."""
    full_env = {**os.environ, 'PYTHONPATH': str(REPO), 'OMP_NUM_THREADS': '1', **(env or {})}
    full_env.pop('ATTN_UNET_DEBUG', None)
    cmd = [sys.executable, *args] if str(args[0]).endswith('.py') else list(args)
    return subprocess.run(
        [str(a) for a in cmd],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_tool_in_process(script: str, *args, capsys, monkeypatch) -> tuple:
    """Run ``script`` as ``__main__`` in this process (no import cost).

    Returns:
        ``(exit code, stdout, stderr)``. An exception the tool lets escape
        (it would print a traceback) propagates and fails the test.
    """
    monkeypatch.setattr(sys, 'argv', [script, *map(str, args)])
    monkeypatch.chdir(REPO)
    monkeypatch.delenv('ATTN_UNET_DEBUG', raising=False)
    capsys.readouterr()
    try:
        runpy.run_path(str(REPO / script), run_name='__main__')
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def file_hashes(folder: Path) -> dict:
    """``{relative path: sha256}`` of every file under ``folder``."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob('*'))
        if p.is_file()
    }


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


@pytest.fixture(scope='session')
def trained_run(tiny_data, tmp_path_factory) -> Path:
    """Work dir of a 2-iteration AttentionUNet run (iter_2.pth, last_checkpoint)."""
    return train_tiny('tools/train.py', tiny_data, tmp_path_factory.mktemp('trained'))


def single_and_two_rank_metrics(config, checkpoint, options: list, folder: Path) -> tuple:
    """``tools/test.py`` and ``tools/dist_test.sh ... 2`` (gloo) on the same checkpoint.

    Returns:
        ``(single-process metrics, 2-rank metrics, the 2-rank output)``, after
        checking that both ran and that the second was distributed over 2 ranks.
    """
    from tests.distributed import free_port

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
