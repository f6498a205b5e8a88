"""DSC with and without test-time mirroring, on a fold's validation cases of a converted set.

``tools/predict.py --tta flip`` mirrors only along the axes training mirrored along, and
refuses a model trained without mirroring. This measures why: each validation case of the
fold the checkpoint was trained on (held out from its training) is segmented by
``tools/predict.py``'s own path (:func:`attn_unet.apis.predict.segment_volume`) with no
mirror, with the trained mirrors, and with mirrors forced along axes of your choice (what the
tool refuses), and scored per volume against its reference (the nnU-Net rule, DSC in %, the
scorer of ``benchmarks/nnunet_side``).

Example (docs/en/predict.md):
    python benchmarks/tta_effect.py CONVERTED CONFIG CHECKPOINT --axes none 1 0,1
"""

import argparse
import json
import tempfile
from pathlib import Path

from bench_tables import markdown_table


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='DSC with and without test-time mirroring')
    parser.add_argument('converted', help='the folder the Decathlon converter wrote')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--fold', type=int, help="validation cases of this fold (default: the "
                        "conversion's fold)")  # fmt: skip
    parser.add_argument('--axes', nargs='+', default=['none', 'trained'],
                        help='mirror settings: none, trained, or axes like 1 or 0,1 '
                        '(forced)')  # fmt: skip
    return parser.parse_args(argv)


def mirror_settings(names, trained_axes) -> list:
    """``[(name, axes)]`` of ``--axes``: ``none``, ``trained`` or forced axes such as ``0,1``.

    Raises:
        ToolError: a name that is none of these, or an axis other than 0 and 1.
    """
    from attn_unet.errors import ToolError

    settings = []
    for name in names:
        if name in ('none', 'trained'):
            settings.append((name, () if name == 'none' else tuple(trained_axes)))
            continue
        parts = name.split(',')
        if not all(p in ('0', '1') for p in parts) or len(set(parts)) != len(parts):
            raise ToolError(f'--axes {name}: pass none, trained, or slice axes 0 (rows) and 1 '
                            '(columns) such as 1 or 0,1')  # fmt: skip
        settings.append((name, tuple(sorted(int(p) for p in parts))))
    return settings


def read_record(converted: str, fold: int | None) -> tuple:
    """``(record, fold, validation cases)`` of a folder the Decathlon converter wrote.

    Raises:
        ToolError: no ``conversion.json`` in it, or ``--fold`` out of its range.
    """
    from attn_unet.errors import ToolError

    path = Path(converted) / 'conversion.json'
    if not path.is_file():
        raise ToolError(
            f'{converted} holds no conversion.json: pass the folder '
            'tools/dataset_converters/decathlon.py wrote (its --save-path)'
        )
    record = json.loads(path.read_text())
    folds = record['splits']['folds']
    fold = record['splits']['fold'] if fold is None else fold
    if not 0 <= fold < len(folds):
        raise ToolError(f'--fold {fold}: this conversion has folds 0 to {len(folds) - 1}')
    return record, fold, folds[fold]['val']


def main(argv=None):
    args = parse_args(argv)
    from attn_unet.apis import load_segmentor
    from attn_unet.apis.predict import PredictOptions, SliceSegmentor, segment_volume
    from attn_unet.apis.predict.slicing import checkpoint_meta, slicing_for
    from attn_unet.apis.predict.tta_policy import checkpoint_mirrors
    from attn_unet.volumes import open_case, write_like
    from benchmarks.nnunet_side.scoring import score_volumes

    record, fold, cases = read_record(args.converted, args.fold)
    raw = Path(record['source'])
    labels = {int(v): n for v, n in record['dataset']['labels'].items() if int(v)}
    options = PredictOptions('unused', batch_size=16, progress=False)
    slicing = slicing_for(args.checkpoint, options)
    trained = checkpoint_mirrors(checkpoint_meta(args.checkpoint), args.config)
    settings = mirror_settings(args.axes, trained.axes)
    model = load_segmentor(args.config, args.checkpoint, 'cpu')
    slicing.check_model(model, options)
    segmentor = SliceSegmentor(model)
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for name, axes in settings:
            predictions = {}
            for case in cases:
                (files,) = slicing.cases(
                    sorted(str(p) for p in (raw / 'imagesTr').glob(f'{case}*'))
                )
                volume = open_case(files, slicing.modalities)
                prediction = segment_volume(volume, slicing, segmentor, options, None, axes)
                path = Path(out) / f'{name}_{case}.nii.gz'
                write_like(str(path), slicing.label_values(prediction.labels), volume, True)
                predictions[case] = path
            references = {c: raw / 'labelsTr' / f'{c}.nii.gz' for c in cases}
            means = score_volumes(predictions, references, labels)['means']
            dsc = [means[f'DSC.{n}'] for n in labels.values()]
            rows.append((name, axes, sum(dsc) / len(dsc), dsc))
    print(f'trained mirrors: {trained.describe()}; {len(cases)} validation cases of fold {fold}')
    header = ['mirrors', 'axes', 'mean DSC', *(f'DSC {n}' for n in labels.values())]
    print(markdown_table(header, [[name, str(list(axes)), f'{mean:.1f}', *(f'{d:.1f}' for d in dsc)]
                                  for name, axes, mean, dsc in rows]))  # fmt: skip


if __name__ == '__main__':
    from attn_unet.apis.cli import run_cli

    run_cli(main)
