"""Segment scans (NIfTI, CT or MR DICOM series) or images with a checkpoint; outputs open anywhere.

Several checkpoints (or a cross-validation folder) predict as one ensemble, their softmax
averaged.

Examples:
    python3 tools/predict.py CONFIG CHECKPOINT scan.nii.gz --out-dir seg/
    python3 tools/predict.py --backend onnxruntime --onnx model.onnx scan.nii.gz --out-dir seg/
    python3 tools/predict.py CONFIG fold0.pth fold1.pth fold2.pth scans/ --out-dir seg/
    python3 tools/predict.py work_dirs/my_cv/ scans/ --out-dir seg/ --postprocess auto \
        --save-probabilities
    python3 tools/predict.py CONFIG CHECKPOINT scans/ --out-dir seg/ --tta flip --save-attention
    python3 tools/predict.py CONFIG CHECKPOINT dicom/patient7/ --out-dir seg/ --dicom-seg
    torchrun --nproc_per_node 4 tools/predict.py CONFIG CHECKPOINT scans/ --out-dir seg/
    python3 tools/predict.py CONFIG CHECKPOINT cohort/ --out-dir seg/ --continue --keep-going \
        --preview --report
"""

import argparse
import sys


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Segment NIfTI scans, DICOM series or images with a checkpoint, or an '
        'ensemble of several',
        usage='%(prog)s {CONFIG CHECKPOINT [CHECKPOINT.pth ...] | CV_FOLDER} INPUT [INPUT ...] '
        '--out-dir OUT_DIR [options]\n       %(prog)s --backend onnxruntime --onnx MODEL.onnx '
        'INPUT [INPUT ...] --out-dir OUT_DIR [options]',
    )
    parser.add_argument(
        'paths',
        nargs='+',
        metavar='MODEL INPUT',
        help='the model: CONFIG CHECKPOINT [CHECKPOINT.pth ...] (several: an ensemble, their '
        "softmax averaged), or the folder of tools/cross_validate.py (every trained fold's own "
        'config and final checkpoint), or nothing with --backend onnxruntime (the ONNX file '
        'holds everything); then .nii / .nii.gz scans, DICOM folders, images, or folders',
    )
    parser.add_argument('--out-dir', required=True, help='folder for the predictions')
    parser.add_argument('--batch-size', type=int, default=8, help='slices per forward pass')
    parser.add_argument(
        '--device',
        default='auto',
        help='auto (default: CUDA when available, else CPU; the first line says which), cpu, '
        'cuda or cuda:N',
    )
    parser.add_argument(
        '--tta',
        choices=['none', 'flip'],
        default='none',
        help='flip: average the softmax over the slice and its mirrors along each axis the '
        "checkpoint's training mirrored along; refused for a model trained without mirroring",
    )
    parser.add_argument(
        '--save-attention',
        action='store_true',
        help="also write each gated stage's coefficients, <name>_attention.nii.gz (images: "
        '<stem>_attention.npy)',
    )
    parser.add_argument(
        '--label-ids',
        choices=['synapse', 'btcv'],
        default='synapse',
        help='synapse: the model ids 0..8; btcv: the 13-organ release ids',
    )
    parser.add_argument('--overwrite', action='store_true', help='replace existing outputs')
    parser.add_argument(
        '--backend',
        choices=['pytorch', 'onnxruntime'],
        default='pytorch',
        help='onnxruntime: run the --onnx model alone (its card holds the slicing, '
        'normalisation, classes, trained mirrors); needs neither torch nor mmseg',
    )
    parser.add_argument('--onnx', help='the exported model for --backend onnxruntime')
    parser.add_argument(
        '--orientation',
        metavar='AXCODES',
        help="the training volumes' axis codes (e.g. PRS) when the checkpoint does not record them",
    )
    parser.add_argument(
        '--series',
        action='append',
        default=[],
        metavar='UID',
        help='segment this SeriesInstanceUID of a DICOM folder that holds several (repeatable)',
    )
    parser.add_argument(
        '--all-series',
        action='store_true',
        help='segment every series of a DICOM folder (of the modality the checkpoint reads)',
    )
    parser.add_argument(
        '--dicom-seg',
        action='store_true',
        help='also write <name>_seg.dcm, a DICOM Segmentation of each DICOM series',
    )
    parser.add_argument(
        '--allow-gantry-tilt',
        action='store_true',
        help='place a tilted DICOM series as stored, with a sheared affine (refused otherwise)',
    )
    parser.add_argument(
        '--fast',
        action='store_true',
        help='the inference fast path: BatchNorm folded, channels-last, bf16 where the device '
        'has fast bf16 (as tools/test.py --fast)',
    )
    parser.add_argument(
        '--allow-non-finite',
        action='store_true',
        help='segment NaN / inf voxels as air (-1024 HU; 0 in a non-CT channel) instead of '
        'refusing the scan',
    )
    parser.add_argument(
        '--strict',
        action='store_true',
        help="refuse (exit 2) a scan whose intensities are far from the training volumes' "
        '(an MR into a CT model, a normalised scan, HU offset by 1024) instead of warning',
    )
    parser.add_argument(
        '--save-probabilities',
        action='store_true',
        help="also write each volume's class probabilities on its grid, float32, the labels "
        'their argmax (see --probability-format)',
    )
    parser.add_argument(
        '--probability-format',
        choices=['nifti', 'npz'],
        default='nifti',
        help='nifti: <name>_prob_<k>_<class>.nii.gz, one volume per class; npz: <name>.npz, '
        "nnU-Net's (probabilities, (C, Z, Y, X))",
    )
    parser.add_argument(
        '--postprocess',
        choices=['none', 'lcc', 'auto'],
        default='none',
        help="lcc: keep each class's largest connected piece; auto: what the cross-validation "
        'chose (postprocessing.json of the CV folder given as the model)',
    )
    parser.add_argument(
        '--continue',
        dest='resume',
        action='store_true',
        help='go on with an earlier run into --out-dir: keep the volumes whose outputs are '
        'complete (checked), redo the ones it left half written, predict the rest',
    )
    parser.add_argument(
        '--keep-going',
        action='store_true',
        help='skip the volumes that cannot be segmented instead of refusing the run; they are '
        'listed in skipped.csv and the run ends with exit code 1',
    )
    parser.add_argument(
        '--preview',
        action='store_true',
        help='also write <name>_preview.png: three planes through the segmented structures, '
        'labels overlaid, a legend',
    )
    parser.add_argument(
        '--report',
        action='store_true',
        help='also write report.html: a row per volume (preview, statistics, warnings, why '
        'skipped), sortable by any column',
    )
    parser.add_argument('--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    from attn_unet.apis.predict import PredictOptions, predict
    from attn_unet.apis.predict.command_line import model_and_inputs

    config, checkpoints, inputs = model_and_inputs(args.paths, args.backend)
    options = PredictOptions(
        out_dir=args.out_dir,
        batch_size=args.batch_size,
        device=args.device,
        tta=args.tta,
        save_attention=args.save_attention,
        label_ids=args.label_ids,
        overwrite=args.overwrite,
        backend=args.backend,
        onnx=args.onnx,
        orientation=args.orientation,
        progress=not args.no_progress,
        series=args.series,
        all_series=args.all_series,
        allow_gantry_tilt=args.allow_gantry_tilt,
        dicom_seg=args.dicom_seg,
        allow_non_finite=args.allow_non_finite,
        fast=args.fast,
        strict=args.strict,
        save_probabilities=args.save_probabilities,
        probability_format=args.probability_format,
        postprocess=args.postprocess,
        resume=args.resume,
        keep_going=args.keep_going,
        preview=args.preview,
        report=args.report,
    )
    run = predict(config, checkpoints, inputs, options)
    print(f'wrote {len(run.written)} files under {args.out_dir}')
    if run.outcomes:  # volumes, not only images
        print(run.summary)
    if run.exit_code:
        sys.exit(run.exit_code)


if __name__ == '__main__':
    from attn_unet.apis.cli import run_cli
    from attn_unet.apis.predict import PREDICT_WORDING

    run_cli(main, PREDICT_WORDING)
