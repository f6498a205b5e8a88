"""nnU-Net's 2D augmentation on and off: both fitted networks, several seeds, one fold.

Converts a Decathlon / nnU-Net raw set twice (``--augmentation nnunet`` and ``light``; the
slices are the same, only the configs' train pipelines differ), trains AttentionUNet and
UNet with each for every seed with ``demo/msd_demo.sh``'s options (one loader worker,
batch 4, crop 96), scores the fold's validation cases per volume (``tools/test.py``) and
prints per seed and mean +- std. Finished runs are kept under the work dir and not
repeated, so a stopped benchmark resumes.

Examples:
    python benchmarks/augmentation_ab.py                       # the phantom, 5 seeds, 600 it.
    python benchmarks/augmentation_ab.py --iters 2000 --seeds 0,1,2 --nice 10 --jobs 2
    python benchmarks/augmentation_ab.py --raw data/Task07_Pancreas --work-dir work_dirs/ab
"""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ARMS = ('nnunet', 'light')
NETWORKS = ('attn-unet', 'unet')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="nnU-Net's augmentation on and off")
    parser.add_argument('--raw', help='raw Decathlon / nnU-Net folder (default: the phantom)')
    parser.add_argument('--phantom-seed', type=int, default=0)
    parser.add_argument('--work-dir', default='work_dirs/augmentation_ab')
    parser.add_argument('--fold', type=int, default=0)
    parser.add_argument('--seeds', default='0,1,2,3,4')
    parser.add_argument('--arms', default=','.join(ARMS))
    parser.add_argument('--networks', default=','.join(NETWORKS))
    parser.add_argument('--iters', type=int, default=600)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--crop', type=int, default=96)
    parser.add_argument('--jobs', type=int, default=1, help='runs at once (one thread each)')
    parser.add_argument('--nice', type=int, default=0, help='nice level of the runs')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out', help='write every result as JSON here')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from decathlon_runs import (
        TrainSettings,
        config_of,
        convert,
        generate_phantom,
        runs_table,
        train_and_test,
    )

    work = Path(args.work_dir).resolve()
    raw = Path(args.raw) if args.raw else generate_phantom(work / 'raw', args.phantom_seed)
    settings = TrainSettings(iters=args.iters, batch=args.batch, crop=args.crop,
                             nice=args.nice, device=args.device)  # fmt: skip
    arms, networks = args.arms.split(','), args.networks.split(',')
    seeds = [int(s) for s in args.seeds.split(',')]
    converted = {arm: convert(raw, work / f'converted_{arm}', args.fold, arm) for arm in arms}
    runs = [(arm, net, seed) for seed in seeds for net in networks for arm in arms]

    def one(run):
        arm, net, seed = run
        folder = work / f'it{args.iters}' / arm / net / f'seed{seed}'
        result = train_and_test(config_of(converted[arm], net), folder, seed, settings)
        print(f'{arm:>6} {net:>9} seed {seed}: mDSC {result["metrics"]["nnunet/mDSC"]:.2f} '
              f'({result["train_seconds"]:.0f} s)', flush=True)  # fmt: skip
        return run, result

    with ThreadPoolExecutor(args.jobs) as pool:
        results = dict(pool.map(one, runs))
    keys = ['nnunet/mDSC', *sorted(k for k in next(iter(results.values()))['metrics']
                                   if k.startswith('nnunet/DSC.')), 'nnunet/mHD95_mm']  # fmt: skip
    for net in networks:
        rows = {arm: {seed: results[(arm, net, seed)] for seed in seeds} for arm in arms}
        print(f'\n{net}, {args.iters} iterations, batch {args.batch}, crop {args.crop}:')
        print(runs_table(rows, keys))
    if args.out:
        rows = [{**r, 'arm': a, 'network': n, 'seed': s} for (a, n, s), r in results.items()]
        Path(args.out).write_text(json.dumps(rows, indent=1) + '\n')


if __name__ == '__main__':
    main()
