"""What 2.5D input costs a training step: the Synapse phantom pair at K = 1 (2D), 3 and 5.

Only the first convolution sees the K input channels, so the step should cost about the same
at every K. The six models (AttentionUNet and UNet, each at K = 1, 3, 5) are built from their
configs and stepped in turn in one process, round after round; a time ratio is the median of
the per-round ratios against the same network's K = 1 step.

Examples:
    python benchmarks/context_train_step.py                      # the demo's 96x96, batch 4
    python benchmarks/context_train_step.py --size 32 --repeats 1 --warmup 0   # seconds
"""

import argparse
import statistics

PHANTOM = '{folder}/{prefix}-s4-d8_fused-dsv_1xb8-1k_synapse{variant}phantom-160x160.py'
NETWORKS = (('AttentionUNet', 'attn_unet', 'attn-unet'), ('UNet', 'unet', 'unet'))
CONTEXTS = (1, 3, 5)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train-step cost of 2.5D input (K = 1, 3, 5)')
    parser.add_argument('--size', type=int, default=96, help='square input size (demo: 96)')
    parser.add_argument('--batch', type=int, default=4, help='slices per step (demo: 4)')
    parser.add_argument('--repeats', type=int, default=7, help='timed rounds')
    parser.add_argument('--warmup', type=int, default=2, help='untimed rounds first')
    parser.add_argument('--threads', type=int, default=1, help='torch CPU threads')
    return parser.parse_args(argv)


def config_path(folder: str, prefix: str, context: int) -> str:
    variant = '-' if context == 1 else f'-2.5d-k{context}-'
    return 'configs/' + PHANTOM.format(folder=folder, prefix=prefix, variant=variant)


def measure(size: int, batch: int, repeats: int, warmup: int) -> list[dict]:
    """One row per (network, K): median step time, ratio to K = 1, peak memory, parameters."""
    import torch
    from attn_vs_unet import ModelBench, synthetic_inputs, timed, variant_config

    device = torch.device('cpu')
    rows, benches, batches = [], [], []
    for name, folder, prefix in NETWORKS:
        for context in CONTEXTS:
            cfg = variant_config(config_path(folder, prefix, context), None)
            channels = cfg.model.backbone.get('in_channels', 3)
            bench = ModelBench(f'{name} K={context}', cfg, device, (), None)
            num_classes = cfg.model.decode_head.num_classes
            inputs, samples, _ = synthetic_inputs(
                batch, (size, size), num_classes, device, channels
            )
            benches.append(bench)
            batches.append((inputs, samples))
            params = sum(p.numel() for p in bench.model.parameters())
            rows.append(dict(network=name, context=context, channels=channels, params=params))
    steps = [
        b.step('train', inputs, samples, None) for b, (inputs, samples) in zip(benches, batches)
    ]
    for _ in range(warmup):
        for step in steps:
            step()
    times = [[] for _ in steps]
    for _ in range(repeats):
        for step, series in zip(steps, times):
            series.append(timed(device, step))
    first = {row['network']: i for i, row in reversed(list(enumerate(rows)))}  # its K = 1 row
    for row, bench, series, (inputs, samples) in zip(rows, benches, times, batches):
        ratios = [mine / theirs for mine, theirs in zip(series, times[first[row['network']]])]
        row.update(
            step=statistics.median(series),
            ratio=(statistics.median(ratios), min(ratios), max(ratios)),
            peak=bench.peak_bytes(inputs, samples),
        )
    for row in rows:
        row['peak_ratio'] = row['peak'] / rows[first[row['network']]]['peak']
    return rows


def format_rows(rows: list[dict]) -> list[str]:
    lines = [
        '| network | K | input channels | params | train step (s) | x K=1 (range) '
        '| peak memory (MiB) | x K=1 |',
        '|---|---|---|---|---|---|---|---|',
    ]
    for r in rows:
        median, low, high = r['ratio']
        lines.append(
            f'| {r["network"]} | {r["context"]} | {r["channels"]} | {r["params"]:,} | '
            f'{r["step"]:.3f} | {median:.3f} ({low:.2f}-{high:.2f}) | '
            f'{r["peak"] / 2**20:.1f} | {r["peak_ratio"]:.3f} |'
        )
    return lines


def main(argv=None):
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    rows = measure(args.size, args.batch, args.repeats, args.warmup)
    print(
        f'train step of {args.batch} slices of {args.size}x{args.size}, {args.threads} '
        f'thread(s), {args.repeats} interleaved rounds'
    )
    print('\n'.join(format_rows(rows)))


if __name__ == '__main__':
    import os.path as osp
    import sys

    sys.path.insert(0, osp.dirname(osp.abspath(__file__)))  # the harness beside this script
    from attn_unet.apis import run_cli

    run_cli(main)
