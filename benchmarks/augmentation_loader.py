"""What nnU-Net's augmentation costs the loader: samples per second per worker, on and off.

Builds the training set of the Decathlon converter's fitted config (the phantom, or a
converted folder) with each augmentation (``nnunet``, ``light``) and times what one worker
does per sample: read the slice and its label, run the pipeline, pack. The two pipelines
take turns, round after round, and the median round is reported, so a machine busy with
other work slows both alike. ``--workers`` adds the loader's rate with that many workers
(batches handed over to the main process) for each.

Examples:
    python benchmarks/augmentation_loader.py                   # the phantom, crop 96, batch 4
    python benchmarks/augmentation_loader.py --converted data/task07 --crop 256 --workers 1,2
"""

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="nnU-Net's augmentation in the loader")
    parser.add_argument('--converted', help='a converted folder (default: the phantom)')
    parser.add_argument('--work-dir', default='work_dirs/augmentation_loader')
    parser.add_argument('--crop', type=int, default=96)
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--samples', type=int, default=40, help='samples per round')
    parser.add_argument('--rounds', type=int, default=7, help='rounds of both pipelines')
    parser.add_argument('--workers', default='', help='also the loader with these workers')
    parser.add_argument('--batches', type=int, default=20, help='timed batches per count')
    parser.add_argument('--out', help='write the rates as JSON here')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, str(HERE))
    import numpy as np
    import torch
    from decathlon_runs import config_of, convert, generate_phantom
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from throughput import loader_rates

    import attn_unet  # noqa: F401
    from attn_unet.datasets.decathlon.augmentation import train_pipeline_lines
    from attn_unet.registry import DATASETS
    from attn_unet.slicing.slice_plan import SlicePlan

    torch.set_num_threads(1)
    work = Path(args.work_dir).resolve()
    if args.converted:
        converted = Path(args.converted)
    else:
        converted = convert(generate_phantom(work / 'raw', 0), work / 'converted')
    cfg = Config.fromfile(config_of(converted, 'unet'))
    plan = SlicePlan.from_record(json.loads((converted / 'conversion.json').read_text())
                                 ['volume_slices'])  # fmt: skip
    crop = (args.crop, args.crop)
    workers = [int(w) for w in args.workers.split(',') if w]
    cfgs = {}
    for augmentation in ('light', 'nnunet'):
        lines = [f'crop_size = {crop!r}', *train_pipeline_lines(plan, crop, augmentation, [])]
        pipeline = Config.fromstring('\n'.join(lines), '.py')['train_pipeline']
        cfgs[augmentation] = cfg.copy()
        cfgs[augmentation].train_dataloader.dataset.pipeline = pipeline
        cfgs[augmentation].train_dataloader.batch_size = args.batch
    init_default_scope('mmseg')
    datasets = {a: DATASETS.build(c.train_dataloader.dataset) for a, c in cfgs.items()}
    rounds = {a: [] for a in datasets}
    np.random.seed(0)
    for index in range(args.rounds):
        for augmentation, dataset in datasets.items():
            start = time.perf_counter()
            for k in range(args.samples):
                dataset[(index * args.samples + k) % len(dataset)]
            rounds[augmentation].append(args.samples / (time.perf_counter() - start))
    pace = {a: float(np.median(r)) for a, r in rounds.items()}
    print(f'one worker, samples/s (crop {args.crop}, median of {args.rounds} rounds of '
          f'{args.samples}): light {pace["light"]:.0f}, nnunet {pace["nnunet"]:.0f} '
          f'({pace["nnunet"] / pace["light"]:.2f}x)')  # fmt: skip
    results = dict(per_worker=pace, rounds=rounds)
    for augmentation, c in cfgs.items():
        if workers:
            results[f'loader_{augmentation}'] = rates = loader_rates(c, workers, args.batches)
            print(f'{augmentation} loader, batch {args.batch}: ' + ', '.join(
                f'{r["workers"]} workers {r["samples_per_s"]:.0f}/s' for r in rates))  # fmt: skip
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + '\n')


if __name__ == '__main__':
    main()
