"""Confusion matrix of saved predictions (tools/test.py --out DIR) against the test set.

Example:
    python tools/test.py CONFIG CHECKPOINT --out work_dirs/preds
    python tools/analysis_tools/confusion_matrix.py CONFIG work_dirs/preds work_dirs/cm --normalize
"""

import argparse
import os
import os.path as osp


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Plot the confusion matrix of predictions')
    parser.add_argument('config', help='config whose test_dataloader gives the ground truth')
    parser.add_argument('prediction_dir', help='label PNGs written by tools/test.py --out')
    parser.add_argument('save_dir', help='folder for confusion_matrix.png')
    parser.add_argument('--normalize', action='store_true', help='rows as percentages')
    parser.add_argument('--title', default='Normalized Confusion Matrix', help='figure title')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.analysis import dataset_confusion, plot_confusion
    from attn_unet.apis import load_config

    matrix, classes = dataset_confusion(load_config(args.config), args.prediction_dir)
    os.makedirs(args.save_dir, exist_ok=True)
    out_file = osp.join(args.save_dir, 'confusion_matrix.png')
    plot_confusion(matrix, classes, out_file, args.normalize, args.title)
    print(f'{int(matrix.sum())} labelled pixels; confusion matrix saved to {out_file}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
