"""Write a mini synthetic Cityscapes (real file layout, polygons and label images).

Usage::

    python3 demo/generate_mini_cityscapes.py data/mini_cityscapes
    python3 tools/dataset_converters/cityscapes.py data/mini_cityscapes
"""

import argparse
import sys
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description='Generate a mini synthetic Cityscapes')
    parser.add_argument('out_dir', nargs='?', default='data/mini_cityscapes', help='output root')
    parser.add_argument('--num-train', type=int, default=24, help='train images')
    parser.add_argument('--num-val', type=int, default=8, help='val images')
    parser.add_argument('--height', type=int, default=256, help='image height')
    parser.add_argument('--width', type=int, default=512, help='image width')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    return parser.parse_args()


def main():
    args = parse_args()
    from demo.synthetic import generate_mini_cityscapes

    root = generate_mini_cityscapes(
        args.out_dir, args.num_train, args.num_val, args.height, args.width, args.seed
    )
    print(
        f'wrote {args.num_train} train + {args.num_val} val images to {root}; next: '
        f'python3 tools/dataset_converters/cityscapes.py {root}'
    )


if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for demo
    from attn_unet.apis import run_cli

    run_cli(main)
