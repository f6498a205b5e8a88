"""Export a segmentor to ONNX (dynamic batch, height, width), checked by onnxruntime.

The model takes the data preprocessor's output (N, C, H, W) and returns logits
(N, out_channels, H, W); docs/en/deploy.md says what that means and how to run
it. Needs the deploy extra: pip install -e ".[deploy]".

Example:
    python tools/deployment/export_onnx.py CONFIG CHECKPOINT --out model.onnx
"""

import argparse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Export a segmentor to ONNX and check it')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', required=True, help='the .onnx file to write')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='size traced at (default: model.data_preprocessor.size of the config)',
    )
    parser.add_argument('--batch-size', type=int, default=1, help='batch traced at (default 1)')
    parser.add_argument(
        '--verify-shapes',
        type=int,
        nargs='+',
        metavar='H W',
        help='other sizes to check, as H W pairs (default: H+2r W-r and H-r W+3r, r the '
        'backbone downsample rate)',
    )
    parser.add_argument(
        '--tolerance',
        type=float,
        default=1e-4,
        help='largest max |logit difference| allowed, relative to max(1, max |logit|) '
        '(default 1e-4)',
    )
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.apis import export_onnx
    from attn_unet.errors import ToolError

    verify = args.verify_shapes
    if verify and len(verify) % 2:
        raise ToolError(f'--verify-shapes {verify}: pass H W pairs, e.g. 256 224 192 288')
    export_onnx(
        args.config,
        args.checkpoint,
        args.out,
        shape=args.shape,
        batch_size=args.batch_size,
        verify_shapes=list(zip(verify[::2], verify[1::2])) if verify else None,
        tolerance=args.tolerance,
        overwrite=args.overwrite,
    )


if __name__ == '__main__':
    from attn_unet.apis import run_cli
    from attn_unet.apis.cli import ToolWording

    run_cli(
        main,
        ToolWording(
            outputs='--out',
            option='--out',
            writable='--out',
            kept='no model was written to --out: it is written only once checked',
            rerun='run the export again',
        ),
    )
