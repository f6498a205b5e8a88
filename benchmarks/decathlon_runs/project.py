"""This project's side of a run: phantom, conversion, and tools/train.py + tools/test.py.

Every step is the command a user types, run as a child process (``nice``-d when asked, one
thread), so a benchmark measures what the tools do. A run whose ``metrics.json`` exists is
not repeated: a long benchmark that was stopped resumes where it was.
"""

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

__all__ = [
    'TrainSettings',
    'config_of',
    'convert',
    'generate_phantom',
    'predict',
    'run_python',
    'seconds_per_iteration',
    'train_and_test',
]


@dataclass(frozen=True)
class TrainSettings:
    """How a fitted config is trained (``demo/msd_demo.sh``'s options by default).

    Attributes:
        iters: Training iterations; the PolyLR schedule ends with them.
        batch: Slices per batch (None: the config's).
        crop: Side of the square training crop (None: the config's).
        workers: Loader workers.
        nice: ``nice`` level of the children (0: none).
        threads: ``OMP_NUM_THREADS`` of the children.
        device: ``cpu`` or ``cuda``.
    """

    iters: int = 600
    batch: int | None = 4
    crop: int | None = 96
    workers: int = 1
    nice: int = 0
    threads: int = 1
    device: str = 'cpu'

    def cfg_options(self, seed: int) -> list:
        """``--cfg-options`` of a run: the schedule, batch, crop, seed; no validation."""
        options = [f'randomness.seed={seed}', f'train_dataloader.num_workers={self.workers}']
        if self.batch:
            options.append(f'train_dataloader.batch_size={self.batch}')
        if self.crop:
            options += [
                f'train_dataloader.dataset.pipeline.2.crop_size=({self.crop},{self.crop})',
                f'model.data_preprocessor.size=({self.crop},{self.crop})',
            ]
        return options + [
            f'train_cfg.max_iters={self.iters}',
            f'train_cfg.val_begin={self.iters + 1}',
            f'param_scheduler.0.end={self.iters}',
            f'default_hooks.checkpoint.interval={self.iters}',
        ]


def run_python(command: list, settings: TrainSettings, log: Path, python: str = sys.executable,
               env: dict | None = None) -> float:  # fmt: skip
    """Run ``python command`` as a child in the repository; its output to ``log``; its seconds.

    Raises:
        RuntimeError: it failed (the log's tail in the message).
    """
    path = os.pathsep.join([str(REPO), os.environ.get('PYTHONPATH', '')])
    env = dict(os.environ, OMP_NUM_THREADS=str(settings.threads), PYTHONPATH=path, **(env or {}))
    if settings.device == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    prefix = ['nice', '-n', str(settings.nice)] if settings.nice else []
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with open(log, 'w') as out:
        done = subprocess.run([*prefix, python, *map(str, command)], cwd=REPO, env=env,
                              stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    seconds = time.perf_counter() - start
    if done.returncode:
        tail = log.read_text()[-1500:]
        raise RuntimeError(f'{" ".join(map(str, command[:2]))} failed ({log}):\n{tail}')
    return seconds


def generate_phantom(out: Path, seed: int = 0, num_train: int = 16, num_test: int = 4) -> Path:
    """``demo/generate_decathlon_phantom.py`` into ``out`` unless it is there already."""
    if not (out / 'dataset.json').is_file():
        run_python(['demo/generate_decathlon_phantom.py', str(out), '--seed', str(seed),
              '--num-train', str(num_train), '--num-test', str(num_test)],
             TrainSettings(), out.parent / f'{out.name}.log')  # fmt: skip
    return out


def convert(raw: Path, out: Path, fold: int = 0, augmentation: str | None = None,
            preset: str = 'cpu', splits: str | None = None) -> Path:  # fmt: skip
    """``tools/dataset_converters/decathlon.py`` into ``out`` unless it holds a conversion."""
    if not (out / 'conversion.json').is_file():
        command = ['tools/dataset_converters/decathlon.py', str(raw), '--save-path', str(out),
                   '--preset', preset, '--fold', str(fold), '--no-progress']  # fmt: skip
        if augmentation:
            command += ['--augmentation', augmentation]
        if splits:
            command += ['--splits', splits]
        run_python(command, TrainSettings(), out.parent / f'{out.name}.log')
    return out


def config_of(converted: Path, network: str) -> Path:
    """The converter's config of ``network`` (``attn-unet`` or ``unet``)."""
    record = json.loads((converted / 'conversion.json').read_text())
    for config in record['configs']:
        if Path(config).name.startswith(f'{network}-'):
            return converted / config
    raise FileNotFoundError(f'no {network} config in {converted}/conversion.json')


def train_and_test(config: Path, work_dir: Path, seed: int, settings: TrainSettings,
                   test_options: tuple = ()) -> dict:  # fmt: skip
    """Train ``config`` and score the fold's validation cases; ``metrics.json``'s content.

    Returns:
        ``{'metrics': {...}, 'train_seconds': s, 'test_seconds': s, ...}``, also written to
        ``work_dir/result.json``; read from there when it exists.
    """
    result_path = work_dir / 'result.json'
    if result_path.is_file():
        return json.loads(result_path.read_text())
    train_seconds = run_python(
        ['tools/train.py', str(config), '--work-dir', str(work_dir), '--overwrite',
         '--cfg-options', *settings.cfg_options(seed)],
        settings, work_dir / 'train.out',
    )  # fmt: skip
    checkpoint = (work_dir / 'last_checkpoint').read_text().strip()
    metrics_path = work_dir / 'metrics.json'
    test_seconds = run_python(
        ['tools/test.py', str(config), checkpoint, '--work-dir', str(work_dir),
         '--out-metrics', str(metrics_path),
         '--cfg-options', 'test_dataloader.num_workers=1', *test_options],
        settings, work_dir / 'test.out',
    )  # fmt: skip
    result = dict(
        json.loads(metrics_path.read_text()),
        config=str(config),
        seed=seed,
        settings=settings.__dict__,
        train_seconds=train_seconds,
        test_seconds=test_seconds,
        seconds_per_iteration=seconds_per_iteration(work_dir),
        checkpoint=checkpoint,
    )
    result_path.write_text(json.dumps(result, indent=1) + '\n')
    return result


def predict(result: dict, inputs: list, out_dir: Path, settings: TrainSettings) -> float:
    """``tools/predict.py`` of a :func:`train_and_test` run's checkpoint on ``inputs``.

    Returns:
        Its seconds (``out_dir`` holds ``<case>.nii.gz`` per scan).
    """
    return run_python(
        ['tools/predict.py', result['config'], result['checkpoint'], *inputs,
         '--out-dir', out_dir, '--overwrite', '--no-progress', '--device', settings.device],
        settings, Path(str(out_dir) + '.out'),
    )  # fmt: skip


_ITER_TIME = re.compile(r'Iter\(train\)\s*\[\s*(\d+)/\s*\d+\].*?\btime: ([0-9.]+)')


def seconds_per_iteration(work_dir: Path) -> float | None:
    """The median of mmengine's logged ``time`` per training iteration (the first 20 left
    out: start-up), from the training output :func:`train_and_test` kept (``train.out``)."""
    log = work_dir / 'train.out'
    if not log.is_file():
        return None
    times = sorted(float(t) for i, t in _ITER_TIME.findall(log.read_text()) if int(i) > 20)
    return times[len(times) // 2] if times else None
