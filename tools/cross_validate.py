"""Cross-validate a converted set in one command: train every fold, predict out of fold, score.

Each fold trains with tools/train.py in <work-dir>/fold_<k> (a finished fold is not trained
again, a stopped one resumes), predicts its validation cases with its own model, and all
cases are scored together: <work-dir>/summary.json (DSC and HD95 per case and class, the
means) and <work-dir>/postprocessing.json (nnU-Net's choice of largest-piece steps).
tools/predict.py takes <work-dir> as its model: the folds' ensemble.

Examples:
    python3 tools/cross_validate.py data/task07_converted/
    python3 tools/cross_validate.py CONFIG --folds 0 1 --work-dir work_dirs/cv
    python3 tools/cross_validate.py CONFIG --gpus 4  # up to 4 folds at once, one per card
"""

import argparse
import os.path as osp


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Train every fold of a converted set, predict each fold's validation "
        'cases with its own model, score them all together'
    )
    parser.add_argument(
        'config',
        help="a config the Decathlon / nnU-Net converter wrote (any fold; each fold's config "
        'swaps its train and validation lists), or the converted folder (its AttentionUNet '
        'config)',
    )
    parser.add_argument(
        '--folds', type=int, nargs='+', metavar='K', help='the folds to train and score (all)'
    )
    parser.add_argument(
        '--work-dir',
        help='the cross-validation folder (default: work_dirs/<config name, cv for fold<k>>)',
    )
    parser.add_argument(
        '--gpus',
        type=int,
        default=1,
        help='folds trained at once, one per CUDA card (default 1: one after another)',
    )
    parser.add_argument(
        '--device', help='where the validation cases are predicted (default: cuda if any, else cpu)'
    )
    parser.add_argument('--amp', action='store_true', help="every fold's tools/train.py --amp")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help="passed to every fold's tools/train.py (e.g. train_cfg.max_iters=600)",
    )
    parser.add_argument('--batch-size', type=int, default=8, help='slices per forward pass')
    parser.add_argument('--no-progress', action='store_true', help='no progress bars')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    from attn_unet.apis.cross_validation import CrossValidationOptions, run_cross_validation

    options = CrossValidationOptions(
        folds=args.folds,
        work_dir=args.work_dir,
        gpus=args.gpus,
        device=args.device,
        cfg_options=args.cfg_options,
        amp=args.amp,
        batch_size=args.batch_size,
        progress=not args.no_progress,
    )
    train_script = osp.join(osp.dirname(osp.abspath(__file__)), 'train.py')
    result = run_cross_validation(args.config, options, train_script)
    print(f'cross-validation in {result["folder"]}: predict with tools/predict.py '
          f'{result["folder"]} SCANS --out-dir OUT [--postprocess auto]')  # fmt: skip


if __name__ == '__main__':
    from attn_unet.apis import run_cli
    from attn_unet.apis.cross_validation import CV_WORDING

    run_cli(main, CV_WORDING)
