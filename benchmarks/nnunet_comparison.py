"""This project against nnU-Net v2 on one fold of one raw set, each for the same training time.

One command: a Decathlon or nnU-Net raw folder in; out come per-class DSC and HD95 of
nnU-Net's ``2d`` configuration and of the converter's AttentionUNet and UNet configs, on
the same validation cases, scored by one scorer (:mod:`nnunet_side.scoring`: this
project's per-volume rule, medpy, on the scans' own grids), with the seconds and versions.

1. This project's converter cuts the fold (``--fold``); its folds become nnU-Net's
   ``splits_final.json``, so both validate on the same cases.
2. nnU-Net: ``nnUNetv2_plan_and_preprocess -c 2d``, then ``nnunet_side/driver.py``: nnU-Net's
   trainer as its defaults make it, its schedule cut to ``--budget-minutes`` of training,
   then its own validation prediction (sliding window, mirroring).
3. This project: each config trained for the same budget (its iterations fitted from a
   timed 40-iteration run), ``tools/predict.py`` on the validation scans.

nnU-Net runs in its own Python (``--nnunet-python``): install it apart, since nnunetv2 pulls
timm and torchvision, and a torchvision built for another torch breaks mmengine's start-up::

    python3 -m venv .venv-nnunet
    .venv-nnunet/bin/pip install torch==2.13.0 -r requirements/nnunet.txt

Examples:
    python benchmarks/nnunet_comparison.py                      # the phantom, 15 min each, CPU
    python benchmarks/nnunet_comparison.py data/Task07_Pancreas --budget-minutes 120 \\
        --device cuda --seeds 0,1,2                              # on a GPU
    python benchmarks/nnunet_comparison.py --budget-minutes 1 --networks unet   # a smoke run
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from bench_tables import cpu_name, markdown_table

HERE = Path(__file__).resolve().parent
NETWORKS = ('attn-unet', 'unet')
CALIBRATION_ITERS = 40


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='This project against nnU-Net v2, one fold')
    parser.add_argument('raw', nargs='?', help='raw Decathlon / nnU-Net folder (default: phantom)')
    parser.add_argument('--work-dir', default='work_dirs/nnunet_comparison')
    parser.add_argument('--fold', type=int, default=0)
    parser.add_argument('--budget-minutes', type=float, default=15, help='training time, each')
    parser.add_argument('--seeds', default='0')
    parser.add_argument('--networks', default=','.join(NETWORKS))
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument('--threads', type=int, default=2, help='CPU threads of every run')
    parser.add_argument('--nice', type=int, default=0)
    parser.add_argument('--dataset-id', type=int, default=990, help="nnU-Net's DatasetNNN id")
    parser.add_argument('--nnunet-python', default=str(HERE.parent / '.venv-nnunet/bin/python'))
    parser.add_argument('--augmentation', choices=['nnunet', 'light'], default=None,
                        help="the project's augmentation (default: the converter's)")  # fmt: skip
    parser.add_argument('--batch', type=int, help='project batch (cpu default 4, cuda: config)')
    parser.add_argument('--crop', type=int, help='project crop side (cpu 96, cuda: config)')
    parser.add_argument('--skip-nnunet', action='store_true')
    parser.add_argument('--nnunet-min-epochs', type=int, default=10,
                        help="nnU-Net's schedule: at least this many epochs")  # fmt: skip
    parser.add_argument('--out', help='results JSON (default WORK_DIR/results.json)')
    return parser.parse_args(argv)


def nnunet_side(args, work, raw_set, converted, seed, settings) -> dict:
    from decathlon_runs import run_python
    from nnunet_side import nnunet_dataset, write_splits

    folder = nnunet_dataset(Path(raw_set.root), work / 'nnUNet_raw', args.dataset_id)
    env = dict(
        nnUNet_raw=str(work / 'nnUNet_raw'),
        nnUNet_preprocessed=str(work / 'nnUNet_preprocessed'),
        nnUNet_results=str(work / 'nnUNet_results' / f'seed{seed}'),
        nnUNet_n_proc_DA=str(max(1, settings.workers)),
        nnUNet_def_n_proc='1' if args.device == 'cpu' else '4',
        nnUNet_compile='f' if args.device == 'cpu' else 't',
    )
    preprocessed = work / 'nnUNet_preprocessed' / folder.name
    if not (preprocessed / 'nnUNetPlans.json').is_file():
        planner = str(Path(args.nnunet_python).parent / 'nnUNetv2_plan_and_preprocess')
        command = [planner, '-d', args.dataset_id, '-c', '2d', '-np', 1, '-npfp', 1]
        log = work / 'nnunet_plan.log'
        seconds = run_python(command, settings, log, args.nnunet_python, env)
        (work / 'nnunet_plan_seconds.txt').write_text(f'{seconds:.1f}\n')
    write_splits(converted / 'conversion.json', preprocessed)
    out = work / f'nnunet_seed{seed}.json'
    if not out.is_file():
        run_python([HERE / 'nnunet_side' / 'driver.py', '--dataset', folder.name,
                    '--fold', args.fold, '--budget-s', args.budget_minutes * 60,
                    '--device', args.device, '--seed', seed, '--out', out,
                    '--min-epochs', args.nnunet_min_epochs],
                   settings, work / f'nnunet_seed{seed}.log', args.nnunet_python, env)  # fmt: skip
    result = json.loads(out.read_text())
    predictions = Path(result['predictions'])
    result['files'] = {p.name[: -len('.nii.gz')]: str(p) for p in predictions.glob('*.nii.gz')}
    result['plan_seconds'] = float((work / 'nnunet_plan_seconds.txt').read_text())
    return result


def project_side(args, work, network, config, val_inputs, seed, settings) -> dict:
    from dataclasses import replace

    from decathlon_runs import predict, seconds_per_iteration, train_and_test

    calibration = work / network / 'calibration'
    if not (calibration / 'result.json').is_file():
        train_and_test(config, calibration, 0, replace(settings, iters=CALIBRATION_ITERS))
    per_iteration = seconds_per_iteration(calibration)
    iters = max(CALIBRATION_ITERS, int(args.budget_minutes * 60 / per_iteration))
    folder = work / network / f'seed{seed}'
    result = train_and_test(config, folder, seed, replace(settings, iters=iters))
    out = folder / 'predictions'
    if not out.is_dir():
        result['predict_seconds'] = predict(result, val_inputs, out, settings)
    result['files'] = {p.name[: -len('.nii.gz')]: str(p) for p in out.glob('*.nii.gz')}
    result['calibrated_seconds_per_iteration'] = per_iteration
    result['iterations'] = iters
    return result


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, str(HERE))
    from decathlon_runs import TrainSettings, config_of, convert, generate_phantom
    from nnunet_side import score_volumes

    from attn_unet.datasets.decathlon import read_raw_set
    from attn_unet.version import __version__

    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    raw_root = Path(args.raw) if args.raw else generate_phantom(work / 'PancreasPhantom', 0)
    raw_set = read_raw_set(raw_root)
    cpu = args.device == 'cpu'
    settings = TrainSettings(batch=args.batch or (4 if cpu else None),
                             crop=args.crop or (96 if cpu else None), nice=args.nice,
                             threads=args.threads, device=args.device)  # fmt: skip
    converted = convert(raw_root, work / 'converted', args.fold, args.augmentation,
                        preset='cpu' if cpu else 'gpu')  # fmt: skip
    record = json.loads((converted / 'conversion.json').read_text())
    val_cases = record['splits']['folds'][args.fold]['val']
    by_id = {c.case_id: c for c in raw_set.training}
    references = {c: Path(by_id[c].label) for c in val_cases}
    val_inputs = work / 'validation_images'
    val_inputs.mkdir(exist_ok=True)
    for case in val_cases:
        for channel, path in enumerate(by_id[case].images):
            name = Path(path).name if raw_set.stacked_channels else f'{case}_{channel:04d}.nii.gz'
            if not (val_inputs / name).exists():
                os.symlink(os.path.abspath(path), val_inputs / name)
    labels = {v: n for v, n in raw_set.labels.items() if v and v != raw_set.ignore_value}
    seeds = [int(s) for s in args.seeds.split(',')]
    rows = {}
    started = time.perf_counter()
    for seed in seeds:
        if not args.skip_nnunet:
            rows.setdefault('nnU-Net 2d', {})[seed] = nnunet_side(
                args, work, raw_set, converted, seed, settings)  # fmt: skip
        for network in args.networks.split(','):
            name = {'attn-unet': 'AttentionUNet', 'unet': 'UNet'}[network]
            rows.setdefault(name, {})[seed] = project_side(
                args, work, network, config_of(converted, network), sorted(val_inputs.iterdir()),
                seed, settings)  # fmt: skip
    for runs in rows.values():
        for result in runs.values():
            missing = sorted(set(val_cases) - set(result['files']))
            if missing:
                raise RuntimeError(f'no prediction of {missing} in {result["files"]}')
            predictions = {c: Path(result['files'][c]) for c in val_cases}
            result['scores'] = score_volumes(predictions, references, labels, raw_set.ignore_value)
    summary = dict(
        raw=str(raw_root), fold=args.fold, validation_cases=val_cases,
        budget_minutes=args.budget_minutes, device=args.device, threads=args.threads,
        machine=cpu_name(), attn_unet=__version__,
        seconds=time.perf_counter() - started, runs={k: {str(s): r for s, r in v.items()}
                                                    for k, v in rows.items()},
    )  # fmt: skip
    out = Path(args.out) if args.out else work / 'results.json'
    out.write_text(json.dumps(summary, indent=1) + '\n')
    print(table(rows, labels, args.budget_minutes))
    print(f'(per case and run: {out})')


def table(rows: dict, labels: dict, budget: float) -> str:
    """Markdown: per method, DSC and HD95 per class (mean +- std over seeds), seconds."""
    from decathlon_runs import mean_std

    names = list(labels.values())
    header = ['method', *[f'DSC {n}' for n in names], *[f'HD95 {n} (mm)' for n in names],
              'train s', 'iterations x batch', 'seeds']  # fmt: skip
    table_rows = []
    for method, runs in rows.items():
        cells = [method]
        for key in ('DSC', 'HD95'):
            for n in names:
                mean, std = mean_std([r['scores']['means'][f'{key}.{n}'] for r in runs.values()])
                cells.append(f'{mean:.1f} +- {std:.1f}')
        seconds = mean_std([r['train_seconds'] for r in runs.values()])[0]
        first = next(iter(runs.values()))
        batch = first.get('batch_size') or first['settings'].get('batch') or 'cfg'
        cells += [f'{seconds:.0f}', f'{first["iterations"]} x {batch}', str(len(runs))]
        table_rows.append(cells)
    return f'budget {budget:g} min of training each\n' + markdown_table(header, table_rows)


if __name__ == '__main__':
    main()
