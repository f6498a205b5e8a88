"""What ``tools/predict.py`` does: a checkpoint and new scans in, label volumes a viewer opens out.

For each NIfTI scan and each DICOM series it writes ``OUT/<name>.nii.gz`` (uint8
labels on the scan's grid, its affine) and ``OUT/<name>.json`` (classes, ids,
checkpoint, config, the preprocessing used; for a series its UID), plus
``OUT/<name>_attention.nii.gz`` with ``save_attention`` and, for a series,
``OUT/<name>_seg.dcm`` (a DICOM Segmentation) with ``dicom_seg``. 2D images go
through the same segmentor and become ``OUT/<stem>.png``. Everything that can be
checked before the first prediction is checked first (every input's header and
geometry, non-finite voxels, every output name, the output folder, the options
against the model), so bad input stops the run before anything is written; each
file is written whole or not at all, and a refused or stopped run removes the
``--out-dir`` it created while that is still empty.
"""

import json
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, List

import numpy as np

from attn_unet.datasets.ct_slices import SYNAPSE_CLASSES, SliceSpec, synapse_to_btcv
from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from ..cli import ToolWording
from ..segmentor import load_segmentor
from .dicom_files import read_series
from .dicom_scan import DicomScan, open_series
from .dicom_seg import SegAuthor, import_highdicom, write_dicom_seg
from .images import image_outputs, segment_images
from .inputs import find_inputs, rank_share
from .orientation import voxel_order
from .outputs import OutDir, ScanOutputs, check_targets, scan_outputs
from .planned import checkpoint_slice_plan, predict_planned
from .scan_io import open_scan, write_like_scan
from .series_choice import choose_series, series_stems
from .slice_segmentor import build_slice_segmentor
from .volume import VolumePredictor

__all__ = ['AIR_HU', 'PREDICT_WORDING', 'PredictOptions', 'ScanPrediction', 'predict']

LABEL_IDS = ('synapse', 'btcv')
BACKENDS = ('pytorch', 'onnxruntime')
AIR_HU = -1024.0  # what --allow-non-finite puts where a voxel is NaN or infinite

PREDICT_WORDING = ToolWording(
    outputs='the --out-dir',
    option='--out-dir',
    writable='--out-dir',
    kept='the predictions finished before it are complete, none is half written',
    rerun='rerun with --overwrite to redo them all',
)


@dataclass
class PredictOptions:
    """How ``tools/predict.py`` runs; the defaults are its command line's.

    Attributes:
        out_dir: where the predictions go (created).
        batch_size: slices (or images) per forward pass.
        device: torch device of the model.
        tta: ``'none'`` or ``'flip'`` (softmax averaged with the horizontal mirror).
        save_attention: also write every gated stage's coefficients (4D NIfTI; ``.npy``
            for images).
        label_ids: ``'synapse'`` (the model's 0..8) or ``'btcv'`` (the 13-organ ids).
        overwrite: replace existing outputs.
        backend: ``'pytorch'`` or ``'onnxruntime'`` (needs ``onnx``).
        onnx: the exported model for the onnxruntime backend.
        orientation: the training volumes' axis codes, when the checkpoint does not say.
        progress: show a progress bar per scan.
        series: SeriesInstanceUIDs to segment from DICOM folders (``--series``).
        all_series: segment every CT series of a DICOM folder (``--all-series``).
        allow_gantry_tilt: place a tilted series with a sheared affine.
        dicom_seg: also write a DICOM Segmentation of each DICOM series.
        allow_non_finite: segment NaN / inf voxels as air instead of refusing the scan.
        fast: BatchNorm folded, channels-last, bf16 where the device has fast bf16.
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
    series: List[str] = field(default_factory=list)
    all_series: bool = False
    allow_gantry_tilt: bool = False
    dicom_seg: bool = False
    allow_non_finite: bool = False
    fast: bool = False


@dataclass
class ScanPrediction:
    """What one scan (or series) produced.

    Attributes:
        scan: the input (a NIfTI file, or the folder of a series).
        outputs: the files written for it.
        record: the JSON record written beside the labels.
    """

    scan: str
    outputs: ScanOutputs
    record: dict

    @property
    def written(self) -> List[str]:
        return self.outputs.paths()


@dataclass
class _Run:
    """What every scan of a run is predicted with."""

    predictor: VolumePredictor
    classes: List[str]
    training_axcodes: str | None
    options: PredictOptions
    author: SegAuthor


def predict(config: str, checkpoint: str, paths: List[str], options: PredictOptions) -> List[str]:
    """Segment every scan, DICOM series and image under ``paths``; see the module doc.

    Returns:
        The files written by this process (its rank's share under a launcher).

    Raises:
        ToolError: one line naming the first bad input and the fix.
    """
    _check_options(options)
    if checkpoint_slice_plan(checkpoint) is not None:  # a Decathlon / nnU-Net model
        return predict_planned(config, checkpoint, paths, options)
    inputs = find_inputs(paths)
    _check_dicom_options(options, inputs)
    series = _choose_series(inputs.dicom, options)
    scans, images = rank_share(inputs.scans), rank_share(inputs.images)
    out_dir = OutDir(options.out_dir)
    out_dir.prepare()
    try:
        return _predict_all(
            config, checkpoint, scans=scans, series=series, images=images, options=options,
            out_dir=out_dir,
        )  # fmt: skip
    except BaseException:
        out_dir.remove_if_unused()
        raise


def _predict_all(
    config: str,
    checkpoint: str,
    *,
    scans: List[str],
    series: list,
    images: List[str],
    options: PredictOptions,
    out_dir: OutDir,
) -> List[str]:
    """Open and check every input, load the model once, then predict and write each."""
    opened = [open_scan(path) for path in scans] + [
        open_series(s, stem, allow_tilt=options.allow_gantry_tilt) for s, stem in series
    ]
    for scan in opened:
        _check_finite(scan, options.allow_non_finite)
    outputs = [
        scan_outputs(options.out_dir, scan.stem, options.save_attention,
                     options.dicom_seg and isinstance(scan, DicomScan))
        for scan in opened
    ]  # fmt: skip
    pictures = [image_outputs(options.out_dir, path, options.save_attention) for path in images]
    check_targets([p for out in outputs + pictures for p in out.paths()], options.overwrite)
    model = load_segmentor(config, checkpoint, options.device)
    classes = list(model.dataset_meta['classes'])
    _check_against_model(model, classes, options)
    segmentor = build_slice_segmentor(model, options.backend, options.onnx, options.fast)
    out_dir.remove_leftovers()
    written = []
    if opened:
        ct_slices = dict(model.dataset_meta.get('ct_slices') or {})
        spec = SliceSpec(
            **{k: ct_slices[k] for k in ('context', 'slice_gap', 'hu_window') if k in ct_slices}
        )
        run = _Run(
            predictor=VolumePredictor(segmentor, spec, options.batch_size, options.tta),
            classes=classes,
            training_axcodes=options.orientation or ct_slices.get('orientation'),
            options=options,
            author=SegAuthor(config=config, checkpoint=checkpoint),
        )
        for scan, out in zip(opened, outputs):
            written += _predict_scan(scan, outputs=out, run=run).written
    if pictures:
        written += segment_images(
            segmentor, pictures, batch_size=options.batch_size, tta=options.tta,
            to_ids=_id_map(options), overwrite=options.overwrite,
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
    if options.fast and options.backend != 'pytorch':
        raise ToolError('--fast is the pytorch backend\'s fast path (the ONNX graph runs as '
                        'exported): drop --fast or use --backend pytorch')  # fmt: skip
    if options.series and options.all_series:
        raise ToolError('--series and --all-series exclude each other: pass one of them')


def _check_dicom_options(options: PredictOptions, inputs) -> None:
    """Refuse DICOM-only options without DICOM input, and the SEG without highdicom."""
    if options.dicom_seg and (inputs.scans or inputs.images):
        other = (inputs.scans or inputs.images)[0]
        raise ToolError(
            f'--dicom-seg writes a DICOM Segmentation of a DICOM series, and {other} is not one: '
            'pass only DICOM folders with --dicom-seg, or drop it (the NIfTI output is written '
            'either way)'
        )
    if not inputs.dicom:
        used = [name for name, on in (('--series', options.series),
                                      ('--all-series', options.all_series),
                                      ('--dicom-seg', options.dicom_seg)) if on]  # fmt: skip
        if used:
            raise ToolError(f'{used[0]} chooses among DICOM series, and no input is a DICOM '
                            'folder: pass the folder of the series, or drop it')  # fmt: skip
    if options.dicom_seg:
        import_highdicom()


def _choose_series(dicom: Dict[str, List[str]], options: PredictOptions) -> list:
    """``[(series, output stem)]`` of this rank: stems made unique among all ranks' series."""
    found = {root: read_series(root, files) for root, files in dicom.items()}
    chosen = choose_series(found, options.series, options.all_series) if found else []
    chosen = sorted(chosen, key=lambda s: (s.root, s.folder, s.uid))
    return rank_share(list(zip(chosen, series_stems(chosen))))


def _check_finite(scan, allow: bool) -> None:
    if not scan.non_finite:
        return
    total = int(np.prod(scan.shape))
    if not allow:
        raise ToolError(
            f'{scan.describe()} has {scan.non_finite} of {total} voxels that are not finite '
            f'(NaN or inf): fix the scan, or pass --allow-non-finite to segment them as air '
            f'({AIR_HU:g} HU)'
        )
    print(f'{scan.describe()}: {scan.non_finite} of {total} voxels are not finite; segmenting '
          f'them as air ({AIR_HU:g} HU), as --allow-non-finite asks', file=sys.stderr)  # fmt: skip


def _check_against_model(model, classes: List[str], options: PredictOptions) -> None:
    if options.label_ids == 'btcv' and tuple(classes) != SYNAPSE_CLASSES:
        raise ToolError(
            f'--label-ids btcv maps the 9 Synapse classes, and the checkpoint has '
            f'{len(classes)} classes ({", ".join(classes[:4])}, ...): drop --label-ids'
        )
    if options.save_attention and not len(getattr(model.backbone, 'attention_gates', ())):
        raise ToolError(
            f"--save-attention writes the attention gates' coefficients, and this model "
            f'({type(model.backbone).__name__}) has no gated stage: drop --save-attention'
        )


def _id_map(options: PredictOptions) -> Callable | None:
    return synapse_to_btcv if options.label_ids == 'btcv' else None


def _predict_scan(scan, *, outputs: ScanOutputs, run: _Run) -> ScanPrediction:
    """Segment one scan or series and write its outputs; see the module doc."""
    from tqdm import tqdm

    options = run.options
    order = voxel_order(scan.affine, run.training_axcodes)
    voxels = scan.read()
    if scan.non_finite:  # allowed, or open would have refused it
        voxels = np.where(np.isfinite(voxels), voxels, AIR_HU)
    volume = order.to_training(voxels)
    bar = tqdm(total=volume.shape[2], desc=scan.stem, unit='slice',
               disable=not options.progress, leave=False)  # fmt: skip
    try:
        prediction = run.predictor.predict(volume, options.save_attention, bar.update)
    finally:
        bar.close()
    labels = order.to_scan(prediction.labels)
    ids = dict(zip(run.classes, range(len(run.classes))))
    written_labels = labels
    if options.label_ids == 'btcv':
        written_labels = synapse_to_btcv(labels)
        ids = {n: int(i) for n, i in zip(run.classes, synapse_to_btcv(list(range(len(ids)))))}
    write_like_scan(outputs.labels, written_labels.astype(np.uint8), scan, options.overwrite)
    if outputs.attention:
        write_like_scan(outputs.attention, order.to_scan(prediction.attention), scan,
                        options.overwrite)  # fmt: skip
    if outputs.dicom_seg:
        write_dicom_seg(outputs.dicom_seg, labels, scan, run.classes, run.author,
                        options.overwrite)  # fmt: skip
    record = dict(
        **scan.record(),
        labels=outputs.labels,
        attention=outputs.attention,
        classes=ids,
        label_ids=options.label_ids,
        config=run.author.config,
        checkpoint=run.author.checkpoint,
        backend=options.backend,
        fast=options.fast,
        preprocessing=dict(
            **run.predictor.spec.to_dict(),
            image_suffix=run.predictor.spec.image_suffix,
            training_orientation=''.join(order.target),
            scan_orientation=''.join(order.source),
            tta=options.tta,
        ),
    )
    if outputs.dicom_seg:  # segment number = the model's class id
        record['dicom_seg'] = outputs.dicom_seg
        record['dicom_seg_segments'] = {name: i for i, name in enumerate(run.classes) if i}
    write_text_atomically(outputs.record, json.dumps(record, indent=2) + '\n', unique=True)
    return ScanPrediction(scan=scan.path, outputs=outputs, record=record)
