"""Test (and evaluate) a segmentor: mmseg 1.2.2's tools/test.py plus a metrics JSON.

Prints the per-class IoU table and mIoU and writes the metrics to
``<work_dir>/<timestamp>/metrics.json`` (or ``--out-metrics``).
"""

import argparse
import os


def parse_args() -> argparse.Namespace:
    from attn_unet.apis import DictAction

    parser = argparse.ArgumentParser(description='MMSeg test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir for logs and the metrics JSON')
    parser.add_argument('--out', help='directory to save the predictions (png) for offline use')
    parser.add_argument(
        '--out-metrics', help='metrics JSON path (default <work_dir>/<timestamp>/metrics.json)'
    )
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory (relative: under the work dir) for painted predictions '
        '(vis_data/vis_image) and, for attention models, attention-map grids (attention/)',
    )
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value; unknown top-level keys are refused',
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher',
    )
    parser.add_argument(
        '--tta',
        action='store_true',
        help='average the softmax over the image and its mirrors along each axis the '
        "checkpoint's training mirrored along (as tools/predict.py --tta flip); refused for a "
        'model trained without mirroring',
    )
    parser.add_argument(
        '--tta-pipeline',
        action='store_true',
        help="the config's own tta_pipeline (mmseg's tools/test.py --tta: several scales and a "
        'flip); a flip training never applied is refused',
    )
    parser.add_argument(
        '--fast',
        action='store_true',
        help='the inference fast path: BatchNorm folded into the convolutions, channels-last, '
        'bf16 autocast where the device has fast bf16 (docs/en/benchmarks.md: speed and '
        'agreement with fp32)',
    )
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    from attn_unet.apis import run_test

    run_test(parse_args())


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
