"""Convert Cityscapes polygons to *_gtFine_labelTrainIds.png and write split lists.

Usage (as mmseg's converter)::

    python3 tools/dataset_converters/cityscapes.py data/cityscapes --nproc 8
"""

import argparse


def parse_args():
    parser = argparse.ArgumentParser(description='Convert Cityscapes annotations to TrainIds')
    parser.add_argument('cityscapes_path', help='cityscapes data path')
    parser.add_argument('--gt-dir', default='gtFine', type=str)
    parser.add_argument(
        '-o', '--out-dir', help='where the split lists go (default: cityscapes_path)'
    )
    parser.add_argument('--nproc', default=1, type=int, help='number of processes')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.datasets.cityscapes_convert import convert_cityscapes
    from attn_unet.errors import ToolError

    if args.nproc < 1:
        raise ToolError(f'--nproc must be >= 1, got {args.nproc}')
    count = convert_cityscapes(
        args.cityscapes_path, gt_dir=args.gt_dir, nproc=args.nproc, out_dir=args.out_dir
    )
    print(f'\nwrote {count} *_gtFine_labelTrainIds.png under {args.cityscapes_path}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
