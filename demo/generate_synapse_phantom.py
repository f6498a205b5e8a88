"""Write abdominal CT phantoms in the raw Synapse (BTCV) layout.

Usage::

    python3 demo/generate_synapse_phantom.py data/synapse_phantom_raw
    python3 tools/dataset_converters/synapse.py data/synapse_phantom_raw \
        --save-path data/synapse_phantom
"""

import argparse
import sys
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description='Generate abdominal CT phantoms (raw Synapse)')
    parser.add_argument('out_dir', nargs='?', default='data/synapse_phantom_raw', help='output')
    parser.add_argument('--num-train', type=int, default=8, help='training cases')
    parser.add_argument('--num-val', type=int, default=4, help='test cases (val.txt)')
    parser.add_argument('--slices', type=int, default=48, help='axial slices per case')
    parser.add_argument('--size', default='256x256', help='in-plane size HxW')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.errors import ToolError
    from demo.synthetic import generate_ct_phantom

    try:
        size = tuple(int(v) for v in args.size.lower().split('x'))
        if len(size) != 2:
            raise ValueError
    except ValueError:
        raise ToolError(f'--size must be HxW, e.g. 256x256; got {args.size!r}') from None
    try:
        root = generate_ct_phantom(
            args.out_dir, args.num_train, args.num_val, args.slices, size, args.seed
        )
    except ValueError as e:
        raise ToolError(str(e)) from None
    print(
        f'wrote {args.num_train} train + {args.num_val} val phantom cases to {root}; next: '
        f'python3 tools/dataset_converters/synapse.py {root} --save-path data/synapse_phantom'
    )


if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for demo
    from attn_unet.apis import run_cli

    run_cli(main)
