"""Convert raw Synapse (BTCV) NIfTI volumes to mmseg's slice layout with mmseg's converter.

Usage (as mmseg's ``tools/dataset_converters/synapse.py``, the raw folder also positional)::

    python3 tools/dataset_converters/synapse.py RAW_DIR --save-path data/synapse
"""

import argparse


def parse_args():
    parser = argparse.ArgumentParser(
        description='Convert synapse dataset to mmsegmentation format (mmseg converter)'
    )
    parser.add_argument(
        'dataset_path', nargs='?', help='raw folder with img/, label/, train.txt, val.txt'
    )
    parser.add_argument(
        '--dataset-path', dest='dataset_path_option', help='same, as mmseg names it'
    )
    parser.add_argument('--save-path', default='data/synapse', help='save path of the dataset')
    parser.add_argument('--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.datasets.synapse_convert import convert_synapse
    from attn_unet.errors import ToolError

    dataset_path = args.dataset_path or args.dataset_path_option
    if not dataset_path:
        raise ToolError('no raw Synapse folder given: pass RAW_DIR (or --dataset-path RAW_DIR)')
    counts = convert_synapse(dataset_path, args.save_path, progress=not args.no_progress)
    print(
        f'wrote {counts["train"]} train + {counts["val"]} val slices under {args.save_path} '
        '(img_dir/, ann_dir/)'
    )


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
