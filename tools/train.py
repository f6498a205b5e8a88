"""Train a segmentor: mmseg 1.2.2's tools/train.py, plus --resume PATH and CPU AMP.

Example:
    python3 tools/train.py configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py
"""

import argparse
import os


def parse_args() -> argparse.Namespace:
    from attn_unet.apis import DictAction

    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        default=None,
        metavar='PATH',
        help='resume from PATH, or without PATH from <work_dir>/last_checkpoint; '
        'optimizer and scheduler state included',
    )
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='start afresh in a work dir that holds an earlier run: its checkpoints, '
        'last_checkpoint and logs are moved into <work_dir>/replaced_<timestamp>/ first '
        '(without it, or --resume, such a run is refused)',
    )
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: bf16 without a loss scaler where the device has it (CUDA '
        'Ampere and newer, CPU), else fp16 with dynamic loss scaling; '
        '--cfg-options optim_wrapper.dtype=float16 (or bfloat16) chooses',
    )
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='channels-last memory format for the model and its inputs',
    )
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value (e.g. train_cfg.max_iters=100, '
        'lists as key="[a,b]"); values keep their spaces; unknown top-level keys are refused',
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher',
    )
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    from attn_unet.apis import run_train

    run_train(parse_args())


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
