"""Convert a Medical Segmentation Decathlon or nnU-Net v2 raw folder into 2D (2.5D) slices.

Usage::

    python3 tools/dataset_converters/decathlon.py data/Task07_Pancreas --save-path data/task07
    python3 tools/dataset_converters/decathlon.py data/Dataset007_Pancreas --save-path data/p7 \
        --splits splits_final.json --fold 2 --context 3 --preset cpu

The raw folder holds ``dataset.json``, ``imagesTr/``, ``labelsTr/`` (and ``imagesTs/``). The
converter fingerprints every training case, fits a slice plan (view, normalisation, crop),
writes the slices, the folds and an AttentionUNet and a UNet config under
``SAVE/configs/``, and records everything in ``SAVE/conversion.json``. See docs/en/data.md.
"""

import argparse
import sys


def parse_args():
    parser = argparse.ArgumentParser(
        description='Convert a Decathlon / nnU-Net raw folder into slices and fitted configs'
    )
    parser.add_argument('raw', help='raw folder with dataset.json, imagesTr/, labelsTr/')
    parser.add_argument(
        '--save-path', required=True, help='new or empty folder, or an earlier conversion'
    )
    parser.add_argument('--fold', type=int, default=0, help='fold the configs train on')
    parser.add_argument('--num-folds', type=int, default=5, help='k of the seeded k-fold split')
    parser.add_argument(
        '--seed', type=int, default=12345, help='seed of the split (nnU-Net: 12345)'
    )
    parser.add_argument('--splits', help="a splits_final.json (nnU-Net's folds) instead")
    parser.add_argument(
        '--view',
        choices=['auto', 'axial', 'coronal', 'sagittal'],
        default='auto',
        help='slice across this axis; auto: the coarsest (axial unless another is >10%% coarser)',
    )
    parser.add_argument('--context', type=int, default=1, help='K slices per channel (2.5D)')
    parser.add_argument('--slice-gap', type=int, default=1, help='slices between neighbours')
    parser.add_argument(
        '--preset',
        choices=['gpu', 'cpu'],
        default='gpu',
        help='gpu: S5-D16, 64 channels, 14k SGD iterations; cpu: S4-D8, 16 channels, 1k AdamW',
    )
    parser.add_argument('--max-crop', type=int, help='largest crop side (gpu 512, cpu 256)')
    parser.add_argument(
        '--augmentation',
        choices=['nnunet', 'light'],
        default=None,
        help="the configs' training augmentation: light (default: a crop and a small rotation, "
        "better on short schedules) or nnunet (nnU-Net's 2D augmentation, for long runs)",
    )
    parser.add_argument(
        '--allow-non-finite',
        action='store_true',
        help="read an image's NaN / inf voxels as air (-1024 HU) in CT channels and 0 in the "
        'others instead of refusing the case (recorded in conversion.json)',
    )
    parser.add_argument('--no-progress', action='store_true', help='no progress bars')
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.datasets.decathlon import ConvertOptions, convert_decathlon
    from attn_unet.errors import ToolError

    if args.context < 1 or args.context % 2 == 0 or args.slice_gap < 1:
        raise ToolError(
            f'--context {args.context} --slice-gap {args.slice_gap}: pass an odd --context '
            '(1, 3, 5, ...) and --slice-gap 1 or more'
        )
    options = dict(
        fold=args.fold,
        num_folds=args.num_folds,
        seed=args.seed,
        splits_file=args.splits,
        view=args.view,
        context=args.context,
        slice_gap=args.slice_gap,
        preset=args.preset,
        max_crop=args.max_crop,
        allow_non_finite=args.allow_non_finite,
    )
    if args.augmentation:
        options['augmentation'] = args.augmentation
    result = convert_decathlon(
        args.raw, args.save_path, ConvertOptions(**options), progress=not args.no_progress
    )
    if result['non_finite']:
        voxels, cases = sum(result['non_finite'].values()), len(result['non_finite'])
        print(f'note: {voxels} voxels that are not finite in {cases} case(s) were read as air '
              '(CT) or 0 (other channels), as --allow-non-finite asks; conversion.json lists '
              'them', file=sys.stderr)  # fmt: skip
    print(
        f'wrote {result["slices"]} {result["view"]} slices of {result["cases"]} cases under '
        f'{args.save_path} (img_dir/, ann_dir/, splits/, conversion.json); train fold '
        f'{result["fold"]} with:'
    )
    for config in result['configs']:
        print(f'  python3 tools/train.py {config}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
