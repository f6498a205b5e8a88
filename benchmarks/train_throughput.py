"""Training throughput of the real loop: does the device wait for the host?

Runs the real runner, pipeline and hooks on generated street scenes in the Cityscapes
layout, and reports for each network and precision: end-to-end images/s, the step alone,
host time per iteration outside the step (by hook), peak memory after warm-up; then the
loader's samples/s for several worker counts (the Cityscapes and the Synapse pipelines),
and whole-image inference in fp32 against the
fast path (``tools/test.py --fast``), with their argmax agreement. Each (network, precision)
runs in its own process.

Examples:
    python benchmarks/train_throughput.py                    # full size, both networks, GPU if any
    python benchmarks/train_throughput.py --base-channels 4 --variants fp32 --model attn
        # the CPU check: full-resolution pipeline, a network small enough for 2 cores
    python benchmarks/train_throughput.py --size small --iters 3 --warmup 1 --model attn \\
        --variants fp32 --loader-workers 0,1 --base-channels 4   # seconds, for the tests
"""

import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import tempfile

HERE = osp.dirname(osp.abspath(__file__))
REPO = osp.dirname(HERE)
VARIANTS = {'fp32': (False, False), 'amp': (True, False), 'amp+cl': (True, True),
            'fp32+cl': (False, True)}  # fmt: skip
LOADER_SETS = ('cityscapes', 'synapse')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Training throughput of the real loop')
    parser.add_argument('--model', choices=['attn', 'unet', 'both'], default='both')
    parser.add_argument('--size', choices=['full', 'small'], default='full')
    parser.add_argument('--device', default=None, help='cpu or cuda (default: cuda if present)')
    parser.add_argument('--variants', default='fp32,amp+cl',
                        help=f'comma-separated, of {", ".join(VARIANTS)} (amp: --amp; cl: '
                        'channels-last)')  # fmt: skip
    parser.add_argument('--iters', type=int, default=30, help='measured iterations')
    parser.add_argument('--warmup', type=int, default=5, help='iterations left out first')
    parser.add_argument('--workers', type=int, default=4, help='loader workers of the loop')
    parser.add_argument('--loader-workers', default='1,2,4', help='worker counts for the loader')
    parser.add_argument('--loader-batches', type=int, default=8, help='batches per loader count')
    parser.add_argument('--loader-sets', default='cityscapes,synapse',
                        help='pipelines whose loader is measured: cityscapes, synapse (CT '
                        'phantoms through the real Synapse config)')  # fmt: skip
    parser.add_argument('--step-repeats', type=int, default=10, help='steps of the step alone')
    parser.add_argument('--inference-images', type=int, default=2, help='0 skips inference')
    parser.add_argument('--inference-repeats', type=int, default=5)
    parser.add_argument('--base-channels', type=int, default=None,
                        help='shrink the network (the config: 64); heads follow')  # fmt: skip
    parser.add_argument('--pin-memory', action='store_true',
                        help='train_dataloader.pin_memory=True (CUDA: the hand-over moves to '
                        "torch's pinning thread)")  # fmt: skip
    parser.add_argument('--scenes', type=int, default=8, help='generated training scenes')
    parser.add_argument('--data', default=None, help='folder for the generated scenes (kept)')
    parser.add_argument('--out', default=None, help='write the results as JSON here')
    parser.add_argument('--one', default=None, help=argparse.SUPPRESS)  # model:variant, a child
    return parser.parse_args(argv)


def _device(args) -> str:
    import torch

    return args.device or ('cuda' if torch.cuda.is_available() else 'cpu')


def _config(args, model: str, variant: str, data_root: str, work_dir: str):
    from throughput import SIZES, benchmark_config

    amp, channels_last = VARIANTS[variant]
    cfg = benchmark_config(
        model, SIZES[args.size], data_root, work_dir, args.warmup + args.iters + 1, args.workers,
        base_channels=args.base_channels, amp=amp, channels_last=channels_last,
    )  # fmt: skip
    cfg.train_dataloader.pin_memory = args.pin_memory
    return cfg


def run_one(args, model: str, variant: str, data_root: str) -> dict:
    """The loop, the step alone and inference of one network and precision (in this process)."""
    from throughput import SIZES, run_loop, time_inference, time_step_alone

    device = _device(args)
    with tempfile.TemporaryDirectory() as work_dir:
        cfg = _config(args, model, variant, data_root, work_dir)
        runner, timers = run_loop(cfg, device, args.warmup)
        result = dict(model=model, variant=variant)
        result['loop'] = timers.summary(SIZES[args.size].batch)
        result['step_alone'] = time_step_alone(runner, device, args.step_repeats)
        if args.inference_images:
            result['inference'] = time_inference(
                _config(args, model, 'fp32', data_root, work_dir), device,
                args.inference_images, args.inference_repeats,
            )  # fmt: skip
    return result


FORWARDED = ('size', 'device', 'iters', 'warmup', 'workers', 'step_repeats', 'inference_images',
             'inference_repeats', 'base_channels', 'scenes')  # fmt: skip
FLAGS = ('pin_memory',)


def _child(args, model: str, variant: str, data_root: str) -> dict:
    """:func:`run_one` in a fresh process (mmengine keeps global state per run)."""
    forwarded = [
        item
        for name in FORWARDED
        if getattr(args, name) is not None
        for item in (f'--{name.replace("_", "-")}', str(getattr(args, name)))
    ] + [f'--{name.replace("_", "-")}' for name in FLAGS if getattr(args, name)]
    with tempfile.NamedTemporaryFile(suffix='.json') as out:
        command = [sys.executable, __file__, *forwarded, '--one', f'{model}:{variant}',
                   '--data', osp.dirname(data_root), '--out', out.name]  # fmt: skip
        env = {**os.environ, 'PYTHONPATH': os.pathsep.join([REPO, HERE])}
        subprocess.run(command, check=True, env=env, cwd=REPO)
        return json.load(open(out.name))


def main(argv=None) -> dict:
    args = parse_args(argv)
    sys.path[:0] = [p for p in (REPO, HERE) if p not in sys.path]
    from throughput import SIZES, describe_environment, loader_rates, street_scenes

    variants = [v for v in args.variants.split(',') if v]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        raise SystemExit(
            f'error: --variants {",".join(unknown)}: pass some of {", ".join(VARIANTS)}'
        )
    loader_sets = [name for name in args.loader_sets.split(',') if name]
    if set(loader_sets) - set(LOADER_SETS):
        raise SystemExit(
            f'error: --loader-sets {args.loader_sets}: pass some of {", ".join(LOADER_SETS)}'
        )
    folder = args.data or tempfile.mkdtemp(prefix='throughput_')
    data_root = street_scenes(folder, SIZES[args.size], args.scenes)
    if args.one:
        model, variant = args.one.split(':')
        report = run_one(args, model, variant, data_root)
    else:
        models = ['attn', 'unet'] if args.model == 'both' else [args.model]
        device = _device(args)
        runs = [_child(args, m, v, data_root) for m in models for v in variants]
        counts = [int(c) for c in args.loader_workers.split(',') if c]
        loader = {name: loader_rates(_loader_config(args, name, models[0], data_root, folder),
                                     counts, args.loader_batches)
                  for name in loader_sets}  # fmt: skip
        report = dict(
            environment=describe_environment(device, args.variants, 'see runs'),
            size=args.size, batch=SIZES[args.size].batch, base_channels=args.base_channels,
            runs=runs, loader=loader,
        )  # fmt: skip
        print(format_report(report))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=2)
    return report


def _loader_config(args, name: str, model: str, data_root: str, folder: str):
    """The training config whose loader ``name`` ('cityscapes' or 'synapse') is measured."""
    from throughput import SIZES, ct_slices, synapse_loader_config

    if name == 'cityscapes':
        return _config(args, model, 'fp32', data_root, folder)  # nothing is written there
    if name == 'synapse':
        size = SIZES[args.size]
        batch = None if args.size == 'full' else size.batch  # full: the config's 24
        return synapse_loader_config(ct_slices(folder, size), batch)
    raise ValueError(name)


def format_report(report: dict) -> str:
    """The report as the tables the docs quote."""
    env = report['environment']
    lines = [
        f'{env["device_name"]} ({env["device"]}), torch {env["torch"]}, CUDA {env["cuda"]}, '
        f'cuDNN {env["cudnn"]}; size {report["size"]}, batch {report["batch"]}',
        '',
        '| network | variant | end to end img/s | step alone img/s | e2e / step | host ms/iter '
        'outside the step | of which: next() | hooks | loop | peak MiB (steady) |',
        '|---|---|---|---|---|---|---|---|---|---|',
    ]
    for run in report['runs']:
        loop, step = run['loop'], run['step_alone']
        memory = step['peak_memory_mib']
        lines.append(
            f'| {run["model"]} | {run["variant"]} | {loop["images_per_s"]:.2f} | '
            f'{step["images_per_s"]:.2f} | {loop["images_per_s"] / step["images_per_s"]:.2f} | '
            f'{loop["outside_step_ms"]:.1f} | {loop["loader_wait_ms"]:.1f} | '
            f'{loop["hooks_ms"]:.1f} | {loop["loop_ms"]:.1f} | '
            f'{"-" if memory is None else f"{memory:.0f}"} |'
        )
    if report['runs']:
        lines += ['', 'host ms per iteration by hook (first run):']
        for name, ms in report['runs'][0]['loop']['hook_ms'].items():
            lines.append(f'  {name:48s} {ms:8.3f}')
    lines += ['', '| pipeline | loader workers | samples/s | per worker |', '|---|---|---|---|']
    for name, rates in report['loader'].items():
        for rate in rates:
            lines.append(
                f'| {name} | {rate["workers"]} | {rate["samples_per_s"]:.1f} | '
                f'{rate["per_worker"]:.1f} |'
            )
    inference = [run for run in report['runs'] if 'inference' in run]
    if inference:
        lines += ['', '| network | image | fp32 img/s | fast img/s | fast precision | argmax '
                  'agreement | near ties | decisive disagreements | mIoU fp32 / fast |',
                  '|---|---|---|---|---|---|---|---|---|']  # fmt: skip
        seen = set()
        for run in inference:
            if run['model'] in seen:
                continue
            seen.add(run['model'])
            inf = run['inference']
            lines.append(
                f'| {run["model"]} | {inf["image_size"][0]}x{inf["image_size"][1]} | '
                f'{inf["fp32_images_per_s"]:.2f} | {inf["fast_images_per_s"]:.2f} | '
                f'{inf["fast_precision"]} | {100 * inf["argmax_agreement"]:.3f}% | '
                f'{100 * inf["near_ties"]:.3f}% | {inf["decisive_disagreements"]} | '
                f'{inf["fp32_miou"]:.2f} / {inf["fast_miou"]:.2f} |'
            )
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
