"""Parameters and FLOPs of a segmentor config (mmengine's complexity counter).

Example:
    python tools/analysis_tools/get_flops.py CONFIG --shape 512 1024
"""

import argparse


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Count the parameters and FLOPs of a model')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--shape', type=int, nargs='+', default=[2048, 1024], help='input H [W] (one value: square)'
    )
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        metavar='KEY=VALUE',
        help='config overrides, e.g. model.backbone.base_channels=32',
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.analysis import model_complexity
    from attn_unet.apis import load_config, parse_cfg_options
    from attn_unet.errors import ToolError

    if len(args.shape) not in (1, 2):
        raise ToolError(f'--shape takes H or H W, got {len(args.shape)} values')
    shape = (args.shape[0], args.shape[-1])
    options = parse_cfg_options(args.cfg_options)
    info = model_complexity(load_config(args.config, options), shape)
    line = '=' * 40
    print(info['table'])
    print(f'{line}\nCompute type: one 1x3x{shape[0]}x{shape[1]} image, backbone + decode head')
    print(f'Input shape: {shape}\nFlops: {info["flops_str"]}\nParams: {info["params_str"]}')
    print(f'Params (exact): {info["params"]}\nFlops (exact): {info["flops"]}\n{line}')
    print(
        "!!! FLOPs count each multiply-add once; element-wise ops (e.g. the gates' "
        'sigmoid and product) are not counted.'
    )


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
