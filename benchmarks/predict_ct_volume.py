"""One CT volume through ``tools/predict.py`` end to end: seconds and peak memory per backend.

What a user waits for: reading the NIfTI, cutting and preparing the slices, the network,
putting the labels back and writing them, plus the tool's start (imports, model load). A
512x512x200 abdominal CT phantom (``demo/synthetic/ct_phantom``, int16 HU, gzip NIfTI) is
segmented by two models:

- **synapse**: the S5-D16 Synapse config (AttentionUNet, FCN head; slices resized to
  224x224 by its test pipeline);
- **fitted**: the config ``tools/dataset_converters/decathlon.py --preset gpu`` fits to a
  small raw set of CT cases of the same in-plane size (AttentionUNet-S5-D16 with fused deep
  supervision, whole slices at the fitted crop: 512x512 for 512x512 scans).

Both run from randomly initialised checkpoints (seeded): speed and memory do not depend on
the weights. The fitted checkpoint carries the converter's record in its meta, as a trained
one does, so predict takes the fitted model's own path. Each model runs with the three
backends of ``tools/predict.py``: eager (``--backend pytorch``), ``--fast`` and
``--backend onnxruntime`` (the ONNX export is made first, untimed). Each run is a fresh
process; its seconds are wall-clock from start to exit and its peak memory the child's
``ru_maxrss`` (``os.wait4``). Threads are the libraries' defaults (all cores), as a user
runs the tool. ``--profile DIR`` runs each under cProfile (on a CPU clock) and prints where
the CPU time went.

Examples:
    nice -n 10 python benchmarks/predict_ct_volume.py            # the table in benchmarks.md
    python benchmarks/predict_ct_volume.py --size 64 --slices 8 --fit-slices 6 \\
        --base-channels 4 --backends eager    # seconds, for tests
"""

import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from bench_tables import cpu_name, markdown_table

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SYNAPSE_CONFIG = osp.join(
    REPO, 'configs/attn_unet/attn-unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py'
)
MODELS = ('synapse', 'fitted')
BACKENDS = ('eager', 'fast', 'onnxruntime')
TARGET_SECONDS, TARGET_GIB = 60.0, 2.0
COLUMNS = (
    'model',
    'backend',
    'end to end (s)',
    'CPU (s)',
    'peak RSS (GiB)',
    'slices/s',
    'target met',
)
# How a profile's time is split, by the names of predict's one pipeline (attn_unet/apis/predict
# and attn_unet/volumes): a function's cumulative time counts once, not again under another of
# its phase. Network: every top-level torch module call (the data preprocessor and the model)
# and every onnxruntime session run. Slicing: the per-volume function less the network,
# writing and reading inside it (slices cut, encoded, decoded, the test pipeline, labels put
# back, the statistics and a --preview). Writing includes the row of statistics.csv. Start:
# the rest (interpreter, imports, checks, model load).
READING = ('open_case', 'open_nifti', 'open_series', 'read_header', 'read_channels')
READ_FILES = ('nifti.py', 'cases.py', 'series.py')
WRITING = ('write_like', 'write_text_atomically', 'write_dicom_seg', 'write_preview', 'add')
PER_VOLUME = ('_predict_volume',)
PHASES = ('reading', 'slicing', 'network', 'writing', 'start')
# cProfile with a CPU clock (every thread of the process): on a shared machine the wall clock
# says how long the others kept the run waiting, the CPU clock what each part costs.
PROFILER = """
import cProfile, runpy, sys, time
out, sys.argv = sys.argv[1], sys.argv[2:]
profile = cProfile.Profile(time.process_time)
try:
    profile.runcall(runpy.run_path, sys.argv[0], run_name='__main__')
finally:
    profile.dump_stats(out)
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='tools/predict.py end to end on one CT volume')
    parser.add_argument('--size', type=int, default=512, help='in-plane voxels (square)')
    parser.add_argument('--slices', type=int, default=200, help='axial slices of the volume')
    parser.add_argument(
        '--fit-slices', type=int, default=24, help='slices of each case the converter fits on'
    )
    parser.add_argument('--models', default=','.join(MODELS), help=f'of {MODELS}')
    parser.add_argument('--backends', default=','.join(BACKENDS), help=f'of {BACKENDS}')
    parser.add_argument(
        '--base-channels', type=int, default=None, help='backbone width override (configs: 64)'
    )
    parser.add_argument('--batch-size', type=int, default=8, help="predict.py's --batch-size")
    parser.add_argument('--work-dir', help='keep the volume, models and outputs here')
    parser.add_argument('--profile', metavar='DIR', help='run under cProfile, .prof files here')
    parser.add_argument('--timeout', type=int, default=3600, help='seconds per predict run')
    return parser.parse_args(argv)


@dataclass
class Run:
    """One predict run: a model on a backend, and what it cost."""

    model: str
    backend: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_bytes: int = 0
    phases: dict | None = None


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.errors import ToolError

    models = _choices(args.models, MODELS, '--models')
    backends = _choices(args.backends, BACKENDS, '--backends')
    if min(args.size, args.slices, args.fit_slices, args.batch_size) < 1:
        raise ToolError('--size, --slices, --fit-slices and --batch-size must be >= 1')
    folder = args.work_dir or tempfile.mkdtemp(prefix='predict-ct-')
    os.makedirs(folder, exist_ok=True)
    load_before = os.getloadavg()
    scan = osp.join(folder, f'ct_{args.size}x{args.size}x{args.slices}.nii.gz')
    if not osp.exists(scan):
        _say(f'writing {scan}')
        write_ct(scan, args.size, args.slices, seed=0)
    runs = []
    for model in models:
        config, checkpoint = prepare_model(model, folder, args)
        onnx = None
        if 'onnxruntime' in backends:
            onnx, seconds = export_onnx(config, checkpoint, folder, model)
            _say(f'{model}: ONNX export {seconds:.1f} s (untimed below)')
        for backend in backends:
            run = Run(model, backend)
            _say(f'{model} {backend}: predicting')
            predict_once(run, config, checkpoint, scan, onnx, folder, args)
            runs.append(run)
            _say(
                f'{model} {backend}: {run.seconds:.1f} s ({run.cpu_seconds:.1f} s CPU), '
                f'{run.peak_bytes / 2**30:.2f} GiB'
            )
    print(header(args, load_before, os.getloadavg()))
    print()
    print(format_table(runs, args.slices))
    if args.profile:
        print()
        print(format_phases(runs))
    if not args.work_dir:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def _choices(text: str, allowed: tuple, option: str) -> list:
    from attn_unet.errors import ToolError

    chosen = [c.strip() for c in text.split(',') if c.strip()]
    bad = [c for c in chosen if c not in allowed]
    if bad or not chosen:
        raise ToolError(f'{option} takes a comma-separated list of {", ".join(allowed)}, got '
                        f'{text!r}')  # fmt: skip
    return chosen


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def write_ct(path: str, size: int, slices: int, seed: int) -> None:
    """An abdominal CT phantom ``(size, size, slices)``, int16 HU, as a gzip NIfTI."""
    import nibabel as nib
    import numpy as np

    sys.path.insert(0, REPO)
    from demo.synthetic.ct_phantom.render import render_ct_case

    hu, _, affine = render_ct_case(np.random.default_rng(seed), (size, size), slices)
    image = nib.Nifti1Image(hu, affine)
    image.header.set_xyzt_units('mm')
    nib.save(image, path)


def write_raw_set(root: str, size: int, slices: int, cases: int = 3) -> None:
    """A Decathlon raw set of ``cases`` CT phantoms with their 13 BTCV organ labels."""
    import nibabel as nib
    import numpy as np

    sys.path.insert(0, REPO)
    from demo.synthetic.ct_phantom.btcv import BTCV_LABELS
    from demo.synthetic.ct_phantom.render import render_ct_case

    for sub in ('imagesTr', 'labelsTr'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    training = []
    for i in range(1, cases + 1):
        hu, label, affine = render_ct_case(np.random.default_rng([7, i]), (size, size), slices)
        name = f'ct_{i:03d}.nii.gz'
        for sub, data in (('imagesTr', hu), ('labelsTr', label)):
            nib.save(nib.Nifti1Image(data, affine), osp.join(root, sub, name))
        training.append(dict(image=f'./imagesTr/{name}', label=f'./labelsTr/{name}'))
    meta = dict(
        name='CTPhantom', tensorImageSize='3D', modality={'0': 'CT'},
        labels={'0': 'background', **{str(k): v for k, v in BTCV_LABELS.items()}},
        numTraining=cases, numTest=0, training=training, test=[],
    )  # fmt: skip
    with open(osp.join(root, 'dataset.json'), 'w') as f:
        json.dump(meta, f, indent=2)


def prepare_model(model: str, folder: str, args) -> tuple:
    """``(config, checkpoint)`` files of ``model``, its weights random (seed 0)."""
    import torch
    from attn_vs_unet import variant_config

    from attn_unet.apis import build_segmentor

    if model == 'synapse':
        cfg = variant_config(SYNAPSE_CONFIG, args.base_channels)
        meta = {}
    else:
        fitted = fit_config(folder, args)
        cfg = variant_config(fitted, args.base_channels)
        meta = dict(dataset_meta=_dataset_meta(cfg))
    config = osp.join(folder, f'{model}.py')
    cfg.dump(config)
    torch.manual_seed(0)
    segmentor = build_segmentor(cfg)
    checkpoint = osp.join(folder, f'{model}.pth')
    torch.save(dict(state_dict=segmentor.state_dict(), meta=meta), checkpoint)
    return config, checkpoint


def fit_config(folder: str, args) -> str:
    """The AttentionUNet config the converter fits (``--preset gpu``) to a raw CT set."""
    import glob

    from attn_unet.errors import ToolError

    raw, converted = osp.join(folder, 'raw'), osp.join(folder, 'converted')
    if not osp.exists(osp.join(converted, 'conversion.json')):
        _say(f'fitting: {3} raw cases of {args.size}x{args.size}x{args.fit_slices}, converting')
        write_raw_set(raw, args.size, args.fit_slices)
        proc = subprocess.run(
            [sys.executable, osp.join(REPO, 'tools/dataset_converters/decathlon.py'), raw,
             '--save-path', converted, '--preset', 'gpu', '--num-folds', '3', '--no-progress'],
            capture_output=True, text=True, cwd=REPO,
        )  # fmt: skip
        if proc.returncode:
            raise ToolError(f'the converter failed: {proc.stderr.strip()[-500:]}')
    configs = sorted(glob.glob(osp.join(converted, 'configs', 'attn-unet-*.py')))
    if not configs:
        raise ToolError(f'the converter wrote no AttentionUNet config under {converted}')
    return configs[0]


def _dataset_meta(cfg) -> dict:
    """What a training run stores as ``meta['dataset_meta']``: the classes and palette of the
    config, and the converter's record (:class:`~attn_unet.datasets.VolumeSliceDataset`'s)."""
    from attn_unet.datasets.conversion_record import read_volume_slices

    dataset = cfg.test_dataloader.dataset
    return dict(
        classes=tuple(dataset.metainfo['classes']),
        palette=[list(c) for c in dataset.metainfo['palette']],
        volume_slices=read_volume_slices(dataset.data_root),
    )


def export_onnx(config: str, checkpoint: str, folder: str, model: str) -> tuple:
    """``(path, seconds)`` of the model's ONNX export by ``tools/deployment/export_onnx.py``."""
    from attn_unet.errors import ToolError

    path = osp.join(folder, f'{model}.onnx')
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools/deployment/export_onnx.py'), config, checkpoint,
         '--out', path, '--overwrite'],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    if proc.returncode:
        raise ToolError(f'the ONNX export of {model} failed: {proc.stderr.strip()[-500:]}')
    return path, time.perf_counter() - start


def predict_once(run: Run, config, checkpoint, scan, onnx, folder, args) -> None:
    """Run ``tools/predict.py`` once in a fresh process; fill in seconds and peak memory."""
    from attn_unet.errors import ToolError

    out = osp.join(folder, f'out-{run.model}-{run.backend}')
    command = [osp.join(REPO, 'tools/predict.py'), config, checkpoint, scan, '--out-dir', out,
               '--overwrite', '--no-progress', '--batch-size', str(args.batch_size)]  # fmt: skip
    if run.backend == 'fast':
        command.append('--fast')
    elif run.backend == 'onnxruntime':
        command += ['--backend', 'onnxruntime', '--onnx', onnx]
    profile = None
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        profile = osp.join(args.profile, f'{run.model}-{run.backend}.prof')
        command = ['-c', PROFILER, profile, *command]
    env = {k: v for k, v in os.environ.items()
           if k not in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'ATTN_UNET_DEBUG')}  # fmt: skip
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [REPO, env.get('PYTHONPATH')]))
    log = osp.join(folder, f'predict-{run.model}-{run.backend}.log')
    with open(log, 'wb') as output:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, *command], cwd=REPO, env=env, stdout=output,
                                 stderr=subprocess.STDOUT)  # fmt: skip
        exit_code, run.cpu_seconds, run.peak_bytes = wait_with_peak(child, args.timeout)
        run.seconds = time.perf_counter() - start
    if exit_code == -9:
        raise ToolError(f'{run.model} {run.backend} ran past --timeout {args.timeout} s')
    if exit_code:
        with open(log, errors='replace') as f:
            said = f.read().strip()[-500:]
        raise ToolError(f'{run.model} {run.backend}: predict.py exited {exit_code}: {said}')
    if profile:
        run.phases = profile_phases(profile)


def wait_with_peak(child: subprocess.Popen, timeout: float) -> tuple:
    """``(exit code, CPU seconds, peak resident bytes)`` of ``child``, killed after
    ``timeout`` seconds.

    ``os.wait4`` reaps the child and gives its own resource usage: user plus system CPU
    time (all its threads), and ``ru_maxrss``, the largest resident set it (or a child it
    waited for) had, in KiB on Linux. On a shared machine the CPU time says what the run
    costs where the wall-clock time says how long others made it wait.
    """
    import threading

    watchdog = threading.Timer(timeout, child.kill)
    watchdog.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        watchdog.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def profile_phases(path: str) -> dict:
    """``{phase: CPU seconds}`` of a cProfile file (:data:`PHASES`, see above) and the total."""
    import pstats

    stats = pstats.Stats(path).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}

    def is_reading(key):
        file, _, name = key
        project = 'attn_unet' in file
        return project and (name in READING or (name == 'read' and file.endswith(READ_FILES)))

    def is_writing(key):
        return 'attn_unet' in key[0] and key[2] in WRITING

    def is_network(key):
        file, _, name = key
        torch_call = name == '_wrapped_call_impl' and file.endswith('torch/nn/modules/module.py')
        return torch_call or (name == 'run' and 'onnxruntime' in file)

    def outermost(test):
        return sum(value[3] for key, value in stats.items()
                   if test(key) and not any(test(caller) for caller in value[4]))  # fmt: skip

    per_volume = [key for key in stats if 'attn_unet' in key[0] and key[2] in PER_VOLUME]
    read_in_volume = sum(
        value[4][caller][3]
        for key, value in stats.items() if is_reading(key)
        for caller in per_volume if caller in value[4]
    )  # fmt: skip
    phases = dict(
        reading=outermost(is_reading),
        network=outermost(is_network),
        writing=outermost(is_writing),
        total=max(value[3] for value in stats.values()),
    )
    volume_seconds = sum(stats[key][3] for key in per_volume)
    phases['slicing'] = max(
        0.0, volume_seconds - read_in_volume - phases['network'] - phases['writing']
    )
    phases['start'] = phases['total'] - sum(phases[p] for p in PHASES if p != 'start')
    return phases


def format_table(runs: list, slices: int) -> str:
    rows = []
    for run in runs:
        gib = run.peak_bytes / 2**30
        met = [('yes' if run.seconds < TARGET_SECONDS else 'no: time'),
               ('' if gib < TARGET_GIB else 'no: memory')]  # fmt: skip
        verdict = 'yes' if met == ['yes', ''] else ', '.join(m for m in met if m.startswith('no'))
        cells = (run.model, run.backend, f'{run.seconds:.1f}', f'{run.cpu_seconds:.1f}',
                 f'{gib:.2f}', f'{slices / run.seconds:.2f}', verdict)  # fmt: skip
        rows.append(cells)
    return markdown_table(COLUMNS, rows)


def format_phases(runs: list) -> str:
    """Markdown table of each profiled run's seconds per phase (under cProfile)."""
    rows = [[run.model, run.backend, *(f'{run.phases[p]:.1f}' for p in PHASES),
             f'{run.phases["total"]:.1f}'] for run in runs if run.phases]  # fmt: skip
    return markdown_table(['model', 'backend', *PHASES, 'total (CPU s)'], rows)


def header(args, load_before, load_after) -> str:
    import onnxruntime
    import torch

    return (
        f'tools/predict.py end to end on a {args.size}x{args.size}x{args.slices} CT phantom '
        f'(int16, gzip NIfTI), random weights, base_channels {args.base_channels or 64}, '
        f'--batch-size {args.batch_size} | {cpu_name()}, {os.cpu_count()} cores, library '
        f'default threads | torch {torch.__version__}, onnxruntime {onnxruntime.__version__} | '
        f'one fresh process per run | load average {load_before[0]:.2f} before, '
        f'{load_after[0]:.2f} after | target: under {TARGET_SECONDS:g} s and '
        f'{TARGET_GIB:g} GiB'
    )


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
