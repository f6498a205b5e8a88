"""Inference speed (images/s) of a segmentor, after mmseg's benchmark tool.

Example:
    python tools/analysis_tools/benchmark.py CONFIG CHECKPOINT --shape 512 1024 --num-iters 50
"""

import argparse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Measure the inference speed of a model')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--repeat-times', type=int, default=1, help='independent runs')
    parser.add_argument('--num-iters', type=int, default=200, help='timed images per run')
    parser.add_argument('--num-warmup', type=int, default=5, help='untimed images first')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        default=None,
        help='synthetic input H [W]; default: the test set if present, else '
        "the test pipeline's resize scale",
    )
    parser.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.analysis import (
        dataset_batches,
        measure_fps,
        pipeline_image_shape,
        summarize_fps,
        synthetic_batch,
    )
    from attn_unet.apis import load_segmentor
    from attn_unet.errors import ToolError

    if args.repeat_times < 1:
        raise ToolError(f'--repeat-times {args.repeat_times}: pass at least 1')
    if args.shape is not None and len(args.shape) not in (1, 2):
        raise ToolError(f'--shape takes H or H W, got {len(args.shape)} values')
    model = load_segmentor(args.config, args.checkpoint, args.device)
    batches = None if args.shape else dataset_batches(model.cfg, args.num_iters)
    if batches:
        source = f"{len(batches)} test images of the config's dataset"
    else:
        shape = (args.shape[0], args.shape[-1]) if args.shape else pipeline_image_shape(model.cfg)
        batches = [synthetic_batch(shape)]
        source = f'a synthetic {shape[0]}x{shape[1]} image'
    print(f'Inference on {args.device} with {source}, batch 1')
    runs = []
    for run in range(args.repeat_times):
        fps = measure_fps(model, batches, args.num_iters, args.num_warmup)
        runs.append(fps)
        print(f'Run {run + 1}: {fps:.2f} img / s over {args.num_iters} images')
    mean, std = summarize_fps(runs)
    print(f'Average fps of {args.repeat_times} evaluations: {mean:.2f} img / s (std {std:.2f})')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
