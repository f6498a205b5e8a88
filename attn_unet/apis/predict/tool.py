"""What ``tools/predict.py`` does: a checkpoint and new scans in, label volumes a viewer opens out.

For each NIfTI scan it writes ``OUT/<name>.nii.gz`` (uint8 labels, the scan's shape,
affine and header) and ``OUT/<name>.json`` (classes, ids, checkpoint, config, the
preprocessing used), plus ``OUT/<name>_attention.nii.gz`` with ``save_attention``.
2D images go through mmseg's ``MMSegInferencer`` and become ``OUT/<stem>.png``.
Everything that can be checked before the first prediction is checked first (every
input's header, every output name, the output folder), so bad input stops the run
before anything is written; each file is written whole or not at all.
"""

import json
import os
import os.path as osp
import tempfile
from dataclasses import dataclass
from typing import List

from attn_unet.datasets.ct_slices import SYNAPSE_CLASSES, SliceSpec, synapse_to_btcv
from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from ..segmentor import load_segmentor
from .images import image_output_path, segment_images
from .inputs import find_inputs, rank_share
from .orientation import voxel_order
from .planned import checkpoint_slice_plan, predict_planned
from .scan_io import open_scan, scan_stem, write_like_scan
from .slice_segmentor import SliceSegmentor
from .volume import VolumePredictor

__all__ = ['PredictOptions', 'predict']

LABEL_IDS = ('synapse', 'btcv')
BACKENDS = ('pytorch', 'onnxruntime')


@dataclass
class PredictOptions:
    """How ``tools/predict.py`` runs; the defaults are its command line's.

    Attributes:
        out_dir: where the predictions go (created).
        batch_size: slices (or images) per forward pass.
        device: torch device of the model.
        tta: ``'none'`` or ``'flip'`` (softmax averaged with the horizontal mirror).
        save_attention: also write every gated stage's coefficients as a 4D NIfTI.
        label_ids: ``'synapse'`` (the model's 0..8) or ``'btcv'`` (the 13-organ ids).
        overwrite: replace existing outputs.
        backend: ``'pytorch'`` or ``'onnxruntime'`` (needs ``onnx``).
        onnx: the exported model for the onnxruntime backend.
        orientation: the training volumes' axis codes, when the checkpoint does not say.
        progress: show a progress bar per scan.
    """

    out_dir: str
    batch_size: int = 8
    device: str = 'cpu'
    tta: str = 'none'
    save_attention: bool = False
    label_ids: str = 'synapse'
    overwrite: bool = False
    backend: str = 'pytorch'
    onnx: str | None = None
    orientation: str | None = None
    progress: bool = True


def predict(config: str, checkpoint: str, paths: List[str], options: PredictOptions) -> List[str]:
    """Segment every scan and image under ``paths``; see the module doc.

    Returns:
        The files written by this process (its rank's share under a launcher).

    Raises:
        ToolError: one line naming the first bad input and the fix.
    """
    _check_options(options)
    if checkpoint_slice_plan(checkpoint) is not None:  # a Decathlon / nnU-Net model
        return predict_planned(config, checkpoint, paths, options)
    inputs = find_inputs(paths)
    scans, images = rank_share(inputs.scans), rank_share(inputs.images)
    _prepare_out_dir(options.out_dir)
    opened = [open_scan(path) for path in scans]
    outputs = [_scan_outputs(scan.path, options) for scan in opened]
    _check_targets(
        [p for out in outputs for p in out.values() if p]
        + [image_output_path(options.out_dir, path) for path in images],
        options.overwrite,
    )
    written = []
    if opened:
        model = load_segmentor(config, checkpoint, options.device)
        classes = list(model.dataset_meta['classes'])
        if options.label_ids == 'btcv' and tuple(classes) != SYNAPSE_CLASSES:
            raise ToolError(
                f'--label-ids btcv maps the 9 Synapse classes, and the checkpoint has '
                f'{len(classes)} classes ({", ".join(classes[:4])}, ...): drop --label-ids'
            )
        record = dict(model.dataset_meta.get('ct_slices') or {})
        spec = SliceSpec(
            **{k: record[k] for k in ('context', 'slice_gap', 'hu_window') if k in record}
        )
        training_axcodes = options.orientation or record.get('orientation')
        predictor = VolumePredictor(
            SliceSegmentor(model, _logits_fn(options)), spec, options.batch_size, options.tta
        )
        for scan, out in zip(opened, outputs):
            written += _predict_scan(scan, out, predictor, training_axcodes, classes, options,
                                     dict(config=config, checkpoint=checkpoint))  # fmt: skip
    if images:
        written += segment_images(
            config, checkpoint, images, options.out_dir, options.device, options.batch_size,
            options.overwrite,
        )  # fmt: skip
    return written


def _check_options(options: PredictOptions) -> None:
    if options.batch_size < 1:
        raise ToolError(f'--batch-size {options.batch_size}: pass 1 or more')
    if options.label_ids not in LABEL_IDS:
        raise ToolError(f'--label-ids {options.label_ids}: pass one of {", ".join(LABEL_IDS)}')
    if options.backend not in BACKENDS:
        raise ToolError(f'--backend {options.backend}: pass one of {", ".join(BACKENDS)}')
    if options.backend == 'onnxruntime' and not options.onnx:
        raise ToolError('--backend onnxruntime needs --onnx MODEL.onnx (tools/deployment/'
                        'export_onnx.py writes one)')  # fmt: skip
    if options.backend == 'onnxruntime' and options.save_attention:
        raise ToolError('--save-attention needs --backend pytorch (the ONNX graph returns '
                        'logits only)')  # fmt: skip


def _prepare_out_dir(out_dir: str) -> None:
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise ToolError(f'--out-dir {out_dir} is a file: pass a folder for the predictions')
    try:
        os.makedirs(out_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix='.write-test-'):
            pass
    except OSError as exc:
        raise ToolError(
            f'cannot write into --out-dir {out_dir} ({exc.strerror or exc}): pass a writable folder'
        ) from exc


def _scan_outputs(path: str, options: PredictOptions) -> dict:
    stem = osp.join(options.out_dir, scan_stem(path))
    return dict(
        labels=f'{stem}.nii.gz',
        record=f'{stem}.json',
        attention=f'{stem}_attention.nii.gz' if options.save_attention else None,
    )


def _check_targets(targets: List[str], overwrite: bool) -> None:
    seen = set()
    for target in targets:
        if target in seen:
            raise ToolError(
                f'two inputs would both be written to {target}: give the scans different names '
                'or segment them into different --out-dir folders'
            )
        seen.add(target)
        if osp.exists(target) and not overwrite:
            raise ToolError(
                f'{target} exists: pass --overwrite to replace it, or another --out-dir'
            )


def _logits_fn(options: PredictOptions):
    if options.backend == 'pytorch':
        return None
    from attn_unet.deployment.onnx_runtime import OnnxSegmentor

    return OnnxSegmentor(options.onnx)


def _predict_scan(scan, out, predictor, training_axcodes, classes, options, sources) -> List[str]:
    from tqdm import tqdm

    order = voxel_order(scan.affine, training_axcodes)
    volume = order.to_training(scan.read())
    bar = tqdm(total=volume.shape[2], desc=scan_stem(scan.path), unit='slice',
               disable=not options.progress, leave=False)  # fmt: skip
    try:
        prediction = predictor.predict(volume, options.save_attention, bar.update)
    finally:
        bar.close()
    labels = order.to_scan(prediction.labels)
    ids = dict(zip(classes, range(len(classes))))
    if options.label_ids == 'btcv':
        labels = synapse_to_btcv(labels)
        ids = {name: int(i) for name, i in zip(classes, synapse_to_btcv(list(range(len(classes)))))}
    write_like_scan(out['labels'], labels.astype('uint8'), scan, options.overwrite)
    written = [out['labels']]
    if out['attention'] and prediction.attention is not None:
        write_like_scan(out['attention'], order.to_scan(prediction.attention), scan,
                        options.overwrite)  # fmt: skip
        written.append(out['attention'])
    record = dict(
        scan=scan.path,
        labels=out['labels'],
        attention=written[1] if len(written) > 1 else None,
        classes=ids,
        label_ids=options.label_ids,
        **sources,
        backend=options.backend,
        preprocessing=dict(
            **predictor.spec.to_dict(),
            image_suffix=predictor.spec.image_suffix,
            training_orientation=''.join(order.target),
            scan_orientation=''.join(order.source),
            tta=options.tta,
        ),
    )
    write_text_atomically(out['record'], json.dumps(record, indent=2) + '\n')
    return written + [out['record']]
