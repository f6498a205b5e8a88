"""Write pancreas CT phantoms with a tumour in the raw Decathlon (or nnU-Net v2) layout.

Usage::

    python3 demo/generate_decathlon_phantom.py data/msd_phantom_raw
    python3 tools/dataset_converters/decathlon.py data/msd_phantom_raw --save-path data/msd_phantom
    python3 demo/generate_decathlon_phantom.py data/nnunet_phantom_raw --layout nnunet --channels 2
"""

import argparse
import sys
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description='Generate pancreas CT phantoms (Decathlon layout)')
    parser.add_argument('out_dir', nargs='?', default='data/msd_phantom_raw', help='output folder')
    parser.add_argument('--num-train', type=int, default=16, help='labelled cases (imagesTr)')
    parser.add_argument('--num-test', type=int, default=4, help='unlabelled cases (imagesTs)')
    parser.add_argument('--layout', choices=['msd', 'nnunet'], default='msd', help='raw layout')
    parser.add_argument('--channels', type=int, choices=[1, 2], default=1, help='1: CT; 2: CT, T2')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.errors import ToolError
    from demo.synthetic import generate_decathlon_phantom

    try:
        root = generate_decathlon_phantom(
            args.out_dir, args.num_train, args.num_test, args.layout, args.channels, args.seed
        )
    except ValueError as e:
        raise ToolError(str(e)) from None
    print(
        f'wrote {args.num_train} training + {args.num_test} test phantom cases ({args.layout}) '
        f'to {root}; next: python3 tools/dataset_converters/decathlon.py {root} --save-path '
        'data/msd_phantom'
    )


if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for demo
    from attn_unet.apis import run_cli

    run_cli(main)
