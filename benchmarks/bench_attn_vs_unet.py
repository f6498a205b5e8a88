"""What the attention gates cost: AttentionUNet-S5-D16 vs UNet-S5-D16 in one table.

Examples:
    python benchmarks/bench_attn_vs_unet.py                      # full size, GPU if present
    python benchmarks/bench_attn_vs_unet.py --sizes 256x512 --modes infer \
        --options none --repeats 30 --threads 2                  # inference only, many pairs
    python benchmarks/bench_attn_vs_unet.py --base-channels 8 --sizes 64x128 \
        --repeats 1 --warmup 0                                   # seconds, for tests
"""

import argparse
import os.path as osp
import platform
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Compare AttentionUNet and UNet costs')
    parser.add_argument('--sizes', default='128x256,256x512,512x1024', help='HxW list')
    parser.add_argument('--batch', type=int, default=2, help='images per step')
    parser.add_argument('--repeats', type=int, default=10, help='timed steps (median)')
    parser.add_argument('--warmup', type=int, default=3, help='untimed steps first')
    parser.add_argument(
        '--modes', default='train,infer', help="what to time: 'train', 'infer' or both"
    )
    parser.add_argument('--device', default=None, help='cpu or cuda (default: cuda if present)')
    parser.add_argument(
        '--base-channels',
        type=int,
        default=None,
        help='backbone width override (configs: 64), heads scaled alike',
    )
    parser.add_argument(
        '--options',
        default='amp,channels_last,with_cp',
        help="AttentionUNet option rows, comma-separated, or 'none'",
    )
    parser.add_argument(
        '--amp',
        action='store_true',
        help='option rows: amp (with the others given as flags) instead of --options',
    )
    parser.add_argument('--channels-last', action='store_true', help='option row channels_last')
    parser.add_argument('--with-cp', action='store_true', help='option row with_cp')
    parser.add_argument(
        '--attn-config',
        default=osp.join(
            REPO, 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
        ),
    )
    parser.add_argument(
        '--unet-config',
        default=osp.join(REPO, 'configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'),
    )
    parser.add_argument(
        '--threads', type=int, default=None, help="torch CPU threads (default: torch's choice)"
    )
    parser.add_argument('--markdown', action='store_true', help='print a Markdown table')
    parser.add_argument('--json', help='also write the raw measurements to this JSON file')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    import json
    from dataclasses import asdict

    import torch
    from attn_vs_unet import compare_models, format_table, parse_sizes

    flags = [
        name
        for name, on in (
            ('amp', args.amp),
            ('channels_last', args.channels_last),
            ('with_cp', args.with_cp),
        )
        if on
    ]
    options = flags or [o for o in args.options.split(',') if o and o != 'none']
    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    results = compare_models(
        parse_sizes(args.sizes),
        batch=args.batch,
        repeats=args.repeats,
        warmup=args.warmup,
        device=device,
        base_channels=args.base_channels,
        options=options,
        attn_config=args.attn_config,
        unet_config=args.unet_config,
        modes=[m.strip() for m in args.modes.split(',') if m.strip()],
        log=lambda msg: print(msg, file=sys.stderr, flush=True),
    )
    name = (
        torch.cuda.get_device_name(device)
        if device.startswith('cuda')
        else (
            f'{platform.processor() or platform.machine()} CPU, {torch.get_num_threads()} threads'
        )
    )
    header = (
        f'AttentionUNet-S5-D16 vs UNet-S5-D16 + FCN heads | {name} | torch '
        f'{torch.__version__} | batch {args.batch} | median of {args.repeats} after '
        f'{args.warmup} warm-up | base_channels {args.base_channels or 64}'
    )
    print(format_table(results, device, header, args.markdown))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump([dict(asdict(r), train=r.train, infer=r.infer) for r in results], f, indent=1)


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
