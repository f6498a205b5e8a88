"""Draw where an Attention U-Net looks: input, prediction and each gate's heatmap.

Example:
    python tools/visualize_attention.py demo.png CONFIG CHECKPOINT --out-file attention.png
"""

import argparse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Save an attention-map grid of one image')
    parser.add_argument('img', help='image file')
    parser.add_argument('config', help='AttentionUNet config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-file', default='attention.png', help='PNG to write')
    parser.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    parser.add_argument('--opacity', type=float, default=0.5, help='heatmap weight in [0, 1]')
    parser.add_argument('--ncols', type=int, default=3, help='panels per row')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.apis import attention_grid_for_image, load_image, load_segmentor
    from attn_unet.errors import ToolError
    from attn_unet.visualization import save_rgb

    if not 0.0 <= args.opacity <= 1.0:
        raise ToolError(f'--opacity {args.opacity}: pass a value in [0, 1]')
    load_image(args.img)
    model = load_segmentor(args.config, args.checkpoint, args.device)
    grid = attention_grid_for_image(model, args.img, args.opacity, args.ncols)
    save_rgb(args.out_file, grid)
    print(f'attention grid saved to {args.out_file}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
