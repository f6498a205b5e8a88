"""Run N train or inference steps of one config in this process, for timing from outside.

Timing each model in its own process, A and B in turn, with a public tool
checks the in-process table of bench_attn_vs_unet.py. Run it with 0 steps too:
that is the start-up time (imports, model build) to subtract.

Example:
    for cfg in configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py \
               configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py; do
        /usr/bin/time -f "%e s wall, %U s user, %M KiB" \
            python3 benchmarks/time_one_model.py $cfg --size 256x512 --steps 10
    done
"""

import argparse
import statistics


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Run the steps of one model, for timing')
    parser.add_argument('config', help='config file')
    parser.add_argument('--size', default='256x512', help='input HxW')
    parser.add_argument('--steps', type=int, default=10, help='steps to run (0: start-up only)')
    parser.add_argument('--mode', default='infer', help="'infer' or 'train'")
    parser.add_argument('--batch', type=int, default=1, help='images per step')
    parser.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    parser.add_argument(
        '--base-channels', type=int, default=None, help='backbone width override (configs: 64)'
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import torch
    from attn_vs_unet import parse_sizes, time_steps

    from attn_unet.errors import ToolError

    if args.threads:
        torch.set_num_threads(args.threads)
    sizes = parse_sizes(args.size)
    if len(sizes) != 1:
        raise ToolError(f'--size takes one HxW, got {args.size!r}')
    shape = sizes[0]
    times = time_steps(
        args.config, shape, args.steps, args.mode, args.batch, args.device, args.base_channels
    )
    median = f'{statistics.median(times) * 1e3:.1f} ms median' if times else 'start-up only'
    print(f'{len(times)} {args.mode} steps of {args.config} at {args.size}: {median}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
