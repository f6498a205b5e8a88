"""Convert DRIVE's training.zip / test.zip to mmseg's layout (the files mmseg's converter writes).

Same arguments and output as mmseg's ``tools/dataset_converters/drive.py``; adds checks of the
zips, a progress bar, one-line errors, a ``conversion.json`` record, and an output folder that
is always one whole run (an earlier conversion is replaced whole; a folder it did not write is
refused). Usage::

    python3 tools/dataset_converters/drive.py datasets/training.zip datasets/test.zip
"""

import argparse


def parse_args():
    parser = argparse.ArgumentParser(description='Convert DRIVE dataset to mmsegmentation format')
    parser.add_argument('training_path', help='the training part of DRIVE dataset')
    parser.add_argument('testing_path', help='the testing part of DRIVE dataset')
    parser.add_argument('--tmp_dir', help='path of the temporary directory')
    parser.add_argument(
        '-o',
        '--out_dir',
        help='output path (default: data/DRIVE): new, empty, or an earlier conversion',
    )
    return parser.parse_args()


def main():
    args = parse_args()
    from attn_unet.datasets.drive_convert import convert_drive

    out_dir = args.out_dir or 'data/DRIVE'
    count = convert_drive(args.training_path, args.testing_path, out_dir, args.tmp_dir)
    print(f'\nwrote {count} images and annotations under {out_dir}')


if __name__ == '__main__':
    from attn_unet.apis import run_cli

    run_cli(main)
