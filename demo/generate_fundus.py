"""Write synthetic fundus photographs as DRIVE's release zips (training.zip, test.zip).

Usage::

    python3 demo/generate_fundus.py data/fundus_zips --seed 0
    python3 tools/dataset_converters/drive.py data/fundus_zips/training.zip \\
        data/fundus_zips/test.zip -o data/DRIVE_phantom
"""

import argparse
import sys
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description='Generate fundus-like images in DRIVE zips')
    parser.add_argument('out_dir', help='folder for training.zip and test.zip')
    parser.add_argument('--num-train', type=int, default=20, help='training images (DRIVE: 20)')
    parser.add_argument('--num-test', type=int, default=20, help='test images (DRIVE: 20)')
    parser.add_argument('--height', type=int, default=584, help='image height (DRIVE: 584)')
    parser.add_argument('--width', type=int, default=565, help='image width (DRIVE: 565)')
    parser.add_argument('--seed', type=int, default=0, help='random seed of the whole set')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.errors import ToolError
    from demo.synthetic.fundus import generate_fundus

    try:
        zips = generate_fundus(
            args.out_dir, args.num_train, args.num_test, args.height, args.width, args.seed
        )
    except ValueError as e:
        raise ToolError(str(e)) from e
    print(
        f'wrote {args.num_train} training + {args.num_test} test images to '
        f'{zips["training"]} and {zips["test"]}; next: python3 tools/dataset_converters/'
        f'drive.py {zips["training"]} {zips["test"]} -o OUT_DIR'
    )


if __name__ == '__main__':
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for demo
    from attn_unet.apis import run_cli

    run_cli(main)
