"""Volume inference on CPU: slices per second of torch eager, channels-last and onnxruntime.

AttentionUNet-S5-D16 and UNet-S5-D16 (the Synapse configs; random weights, speed
does not depend on them) segment batches of CT slices (4, 3, 224, 224) as a
volume predictor feeds them: the preprocessed batch in, logits out
(:class:`~attn_unet.deployment.SegmentorLogits` in torch, the exported model in
onnxruntime). Every backend of both models and a large fp32 matmul, the
machine's peak measured the same way, run in turn within one process (A B C ...
A B C ...), one thread each, so that load from other processes moves single
rounds, not the ratios. Effective GMAC/s is the model's multiply-adds per slice
(mmengine's count) times slices per second.

Examples:
    python benchmarks/volume_inference.py                       # the README's table
    python benchmarks/volume_inference.py --repeats 9 --threads 2
    python benchmarks/volume_inference.py --base-channels 4 --size 32x32 --batch 2 \
        --repeats 1 --warmup 0 --matmul-size 64 --matmul-repeats 1   # seconds, for tests
"""

import argparse
import os
import os.path as osp
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bench_tables import cpu_name, markdown_table

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BACKENDS = ('torch eager', 'torch channels-last', 'onnxruntime')
COLUMNS = (
    'model',
    'backend',
    's / batch',
    'slices/s (range)',
    'x eager (range)',
    'GMAC / slice',
    'effective GMAC/s',
    '% of peak',
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='CPU volume inference: torch vs onnxruntime')
    parser.add_argument(
        '--attn-config',
        default=osp.join(
            REPO, 'configs/attn_unet/attn-unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py'
        ),
    )
    parser.add_argument(
        '--unet-config',
        default=osp.join(REPO, 'configs/unet/unet-s5-d16_fcn_1xb24-14k_synapse-224x224.py'),
    )
    parser.add_argument('--size', default='224x224', help='slice HxW')
    parser.add_argument('--batch', type=int, default=4, help='slices per batch')
    parser.add_argument('--repeats', type=int, default=5, help='timed rounds (median)')
    parser.add_argument('--warmup', type=int, default=1, help='untimed rounds first')
    parser.add_argument('--threads', type=int, default=1, help='threads of torch and onnxruntime')
    parser.add_argument('--matmul-size', type=int, default=2048, help='n of the n x n peak matmul')
    parser.add_argument(
        '--matmul-repeats', type=int, default=16, help='matmuls per timed call (default 16)'
    )
    parser.add_argument(
        '--base-channels', type=int, default=None, help='backbone width override (configs: 64)'
    )
    return parser.parse_args(argv)


@dataclass
class Row:
    """One timed thing: a model on a backend, or the peak matmul."""

    model: str
    backend: str
    run: Callable[[], object]
    macs: float  # multiply-adds of one call
    items: int  # slices of one call (1 for the matmul)
    times: list[float] = field(default_factory=list)


def main(argv=None):
    args = parse_args(argv)
    import torch
    from attn_vs_unet import parse_sizes

    from attn_unet.errors import ToolError

    sizes = parse_sizes(args.size)
    if len(sizes) != 1:
        raise ToolError(f'--size takes one HxW, got {args.size!r}')
    counts = (args.batch, args.repeats, args.threads, args.matmul_size, args.matmul_repeats)
    if min(counts) < 1 or args.warmup < 0:
        raise ToolError(
            '--batch, --repeats, --threads, --matmul-size and --matmul-repeats must be >= 1, '
            '--warmup >= 0'
        )
    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        rows = [
            *model_rows('AttentionUNet', args.attn_config, sizes[0], args, folder),
            *model_rows('UNet', args.unet_config, sizes[0], args, folder),
            matmul_row(args.matmul_size, args.matmul_repeats),
        ]
        print(f'timing {len(rows)} rows, {args.repeats} rounds', file=sys.stderr, flush=True)
        run_interleaved(rows, args.warmup, args.repeats)
    print(header(args, load_before, os.getloadavg()))
    print()
    print(format_table(rows))


def model_rows(name: str, config: str, shape, args, folder: str) -> list[Row]:
    """The three backends of one model, after checking that they agree on the logits."""
    import copy

    import onnx
    import torch
    from attn_vs_unet import variant_config

    from attn_unet.analysis import check_model_input_sizes, model_complexity
    from attn_unet.apis import build_segmentor
    from attn_unet.deployment import (
        OnnxSegmentor,
        SegmentorLogits,
        compare_logits,
        export_onnx_model,
        preprocessed_batch,
    )
    from attn_unet.errors import ToolError
    from attn_unet.models import backbone_downsample_rate

    cfg = variant_config(config, args.base_channels)
    check_model_input_sizes(cfg.model, [shape])
    print(f'{name}: counting, building, exporting', file=sys.stderr, flush=True)
    macs = model_complexity(cfg, shape)['flops']  # mmengine counts one multiply-add as one
    torch.manual_seed(0)
    model = build_segmentor(cfg).eval()
    path = osp.join(folder, f'{name}.onnx')
    onnx.save(export_onnx_model(model, shape, backbone_downsample_rate(cfg.model)), path)
    eager = SegmentorLogits(model).eval()
    channels_last = SegmentorLogits(copy.deepcopy(model).to(memory_format=torch.channels_last))
    backends = {
        'torch eager': eager,
        # the input's conversion counts: a predictor converts each batch too
        'torch channels-last': lambda x: channels_last(
            x.contiguous(memory_format=torch.channels_last)
        ),
        'onnxruntime': OnnxSegmentor(path, num_threads=args.threads),
    }
    for backend in BACKENDS[1:]:
        check = compare_logits(model, _no_grad(backends[backend]), args.batch, shape)
        if not check.passed:
            raise ToolError(f'{name} {backend} disagrees with torch eager: {check.describe()}')
    inputs = preprocessed_batch(model, args.batch, shape)
    return [
        Row(
            name,
            backend,
            partial(_no_grad(backends[backend]), inputs),
            macs * args.batch,
            args.batch,
        )
        for backend in BACKENDS
    ]


def _no_grad(fn: Callable) -> Callable:
    """fn, run under torch.no_grad()."""
    import torch

    def call(*args):
        with torch.no_grad():
            return fn(*args)

    return call


def matmul_row(n: int, repeats: int) -> Row:
    """The machine's peak: ``repeats`` n x n fp32 matmuls in torch (MKL), on the same threads.

    Repeated so that one call lasts about as long as a model's batch, and a burst of
    load from another process weighs on the peak as much as on the models.
    """
    import torch

    generator = torch.Generator().manual_seed(0)
    a, b = (torch.randn(n, n, generator=generator) for _ in range(2))

    def run():
        for _ in range(repeats):
            torch.mm(a, b)

    name = f'fp32 matmul {n}x{n}x{n}' + (f', {repeats} per call' if repeats > 1 else '')
    return Row(name, 'torch', run, float(n) ** 3 * repeats, 1)


def run_interleaved(rows: list[Row], warmup: int, repeats: int) -> None:
    """Each row once per round, in order; warm-up rounds untimed."""
    import time

    for round_index in range(warmup + repeats):
        for row in rows:
            start = time.perf_counter()
            row.run()
            if round_index >= warmup:
                row.times.append(time.perf_counter() - start)


def format_table(rows: list[Row]) -> str:
    """Markdown table of COLUMNS; ratios per round against the same model's torch eager."""
    peak = rows[-1].macs / statistics.median(rows[-1].times) / 1e9
    eager = {row.model: row for row in rows if row.backend == 'torch eager'}
    table = []
    for row in rows:
        median = statistics.median(row.times)
        rate = [row.items / t for t in row.times]
        gmacs = row.macs / median / 1e9
        reference = eager.get(row.model)
        if reference is not None:
            ratios = [e / t for e, t in zip(reference.times, row.times)]
            speedup = f'{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})'
            per_slice = f'{row.macs / row.items / 1e9:.3g}'
            slices = f'{statistics.median(rate):.2f} ({min(rate):.2f}-{max(rate):.2f})'
        else:
            speedup = slices = '-'
            per_slice = f'{row.macs / 1e9:.3g} per call'
        cells = (
            row.model,
            row.backend,
            f'{median:.3g}',
            slices,
            speedup,
            per_slice,
            f'{gmacs:.3g}',
            f'{100 * gmacs / peak:.0f}',
        )
        table.append(cells)
    return markdown_table(COLUMNS, table)


def header(args, load_before, load_after) -> str:
    """What was measured on what: CPU, cores, versions, threads, load averages."""
    import onnxruntime
    import torch

    return (
        f'Volume inference, batches of {args.batch} slices of {args.size}, random weights, '
        f'base_channels {args.base_channels or 64} | {cpu_name()}, {os.cpu_count()} cores, '
        f'{args.threads} thread(s) each | torch {torch.__version__}, onnxruntime '
        f'{onnxruntime.__version__} | median of {args.repeats} interleaved rounds after '
        f'{args.warmup} warm-up | load average {load_before[0]:.2f} before, '
        f'{load_after[0]:.2f} after'
    )


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
