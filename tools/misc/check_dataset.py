"""Check a config's dataset files: every image has its label, files decode, sizes and ids fit.

The same check ``tools/train.py`` and ``tools/test.py`` run before they start
(:mod:`attn_unet.datasets.integrity`); results are cached, so a second run only
stats the files. Exits 2 with one ``error:`` line on bad data.

Usage::

    python3 tools/misc/check_dataset.py CONFIG [--mode train|val|test] [--list]
"""

import argparse


def parse_args() -> argparse.Namespace:
    from attn_unet.apis import DictAction

    parser = argparse.ArgumentParser(description='Check the dataset files a config uses')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--mode',
        choices=['train', 'val', 'test'],
        default='train',
        help='datasets of this run: train (with val when the config validates), val or test',
    )
    parser.add_argument('--list', action='store_true', help='print every bad file, one a line')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value; unknown top-level keys are refused',
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from attn_unet.apis import check_dataset

    check_dataset(args.config, args.mode, args.cfg_options, list_problems=args.list)


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
