"""Segment one image and save the colour-coded mask over it (like mmseg's demo).

Example:
    python tools/image_demo.py demo.png CONFIG CHECKPOINT --out-file result.png
"""

import argparse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Segment one image and save the result')
    parser.add_argument('img', help='image file')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-file', default='result.png', help='image to write')
    parser.add_argument('--device', default='cpu', help='cpu, cuda or cuda:N')
    parser.add_argument(
        '--opacity', type=float, default=0.5, help='mask opacity in (0, 1]; 1 paints the mask only'
    )
    parser.add_argument('--with-labels', action='store_true', help='write class names')
    parser.add_argument('--title', default='result', help='name of the drawn sample')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from mmseg.apis import inference_model, show_result_pyplot

    from attn_unet.apis import load_image, load_segmentor
    from attn_unet.errors import ToolError

    if not 0.0 < args.opacity <= 1.0:
        raise ToolError(f'--opacity {args.opacity}: pass a value in (0, 1]')
    load_image(args.img)
    model = load_segmentor(args.config, args.checkpoint, args.device)
    result = inference_model(model, args.img)
    show_result_pyplot(
        model,
        args.img,
        result,
        opacity=args.opacity,
        title=args.title,
        draw_gt=False,
        show=False,
        with_labels=args.with_labels,
        out_file=args.out_file,
    )
    print(f'result saved to {args.out_file}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
