"""Plot training curves (loss, lr, mIoU, ...) of several runs on one figure.

Example:
    python tools/analysis_tools/analyze_logs.py work_dirs/a/*/vis_data/scalars.json \
        work_dirs/b/*/vis_data/scalars.json --keys loss mIoU --legend unet attn --out fig.png
"""

import argparse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Plot curves from mmengine JSON logs')
    parser.add_argument('json_logs', nargs='+', help='vis_data/scalars.json or <time>.json')
    parser.add_argument('--keys', nargs='+', default=['loss'], help='scalars to plot')
    parser.add_argument('--legend', nargs='+', default=None, help='one name per log')
    parser.add_argument('--title', default=None, help='figure title')
    parser.add_argument('--out', default='curves.png', help='image to write')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.analysis import plot_curves

    plotted = plot_curves(args.json_logs, args.keys, args.out, args.legend, args.title)
    print(f'plotted {len(plotted)} curves ({"; ".join(plotted)}) to {args.out}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
