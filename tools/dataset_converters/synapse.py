"""Convert raw Synapse (BTCV) NIfTI volumes to mmseg's slice layout.

Usage (as mmseg's ``tools/dataset_converters/synapse.py``, the raw folder also positional)::

    python3 tools/dataset_converters/synapse.py RAW_DIR --save-path data/synapse
    python3 tools/dataset_converters/synapse.py RAW_DIR --save-path data/synapse_k3 --context 3

``--context 1`` (the default) writes exactly mmseg's slices; K > 1 writes each slice with its
neighbours as a K-channel TIFF (2.5D input, for the ``*_synapse-2.5d-kK-*`` configs).
"""

import argparse
import sys


def parse_args():
    parser = argparse.ArgumentParser(description='Convert synapse dataset to mmsegmentation format')
    parser.add_argument(
        'dataset_path', nargs='?', help='raw folder with img/, label/, train.txt, val.txt'
    )
    parser.add_argument(
        '--dataset-path', dest='dataset_path_option', help='same, as mmseg names it'
    )
    parser.add_argument(
        '--save-path',
        default='data/synapse',
        help='new or empty folder, or an earlier conversion (replaced whole)',
    )
    parser.add_argument(
        '--context',
        type=int,
        default=1,
        help="K, slices per image (odd): 1 = mmseg's 2D slices, K > 1 = slice z and its "
        'neighbours as a K-channel TIFF',
    )
    parser.add_argument(
        '--slice-gap', type=int, default=1, help='distance in slices between stacked neighbours'
    )
    parser.add_argument(
        '--allow-non-finite',
        action='store_true',
        help="read an image's NaN / inf voxels as air (-1024 HU) instead of refusing the case "
        '(recorded in conversion.json)',
    )
    parser.add_argument('--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.datasets.synapse_convert import convert_synapse
    from attn_unet.errors import ToolError
    from attn_unet.slicing.ct_slices import SliceSpec

    dataset_path = args.dataset_path or args.dataset_path_option
    if not dataset_path:
        raise ToolError('no raw Synapse folder given: pass RAW_DIR (or --dataset-path RAW_DIR)')
    try:
        spec = SliceSpec(context=args.context, slice_gap=args.slice_gap)
    except ValueError as exc:
        raise ToolError(f'{exc}: pass --context 1, 3, 5, ... and --slice-gap 1 or more') from None
    counts = convert_synapse(
        dataset_path, args.save_path, progress=not args.no_progress, spec=spec,
        allow_non_finite=args.allow_non_finite,
    )  # fmt: skip
    if counts['non_finite']:
        print(f'note: {sum(counts["non_finite"].values())} voxels that are not finite in '
              f'{len(counts["non_finite"])} case(s) were read as air (-1024 HU), as '
              '--allow-non-finite asks; conversion.json lists them', file=sys.stderr)  # fmt: skip
    print(
        f'wrote {counts["train"]} train + {counts["val"]} val slices under {args.save_path} '
        f'(img_dir/, ann_dir/, conversion.json; {spec.context} slice(s) per image)'
    )


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
