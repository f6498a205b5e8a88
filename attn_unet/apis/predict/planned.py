"""Predict with a checkpoint whose training set was converted by the Decathlon / nnU-Net converter.

Such a checkpoint carries the converter's slice plan (``meta['dataset_meta']['volume_slices']``,
:class:`~attn_unet.datasets.slice_plan.SlicePlan`). Each case (one file or its channel files,
:mod:`.channel_inputs`) is opened and checked (:mod:`.case_scan`), cut into the network's
inputs by the converter's own code (:func:`~attn_unet.datasets.case_slices.input_images`:
the plan's voxel order, normalisation, context and file encoding), segmented slice by slice
(:func:`~.volume.segment_slices`) and put back on the case's own grid with the dataset's own
label values (:func:`~attn_unet.datasets.case_slices.labels_on_scan_grid`). Per case it
writes ``OUT/<case>.nii.gz`` (labels, the first file's geometry and header),
``OUT/<case>.json`` and, with ``save_attention``, ``OUT/<case>_attention.nii.gz``.
"""

import json
import os.path as osp
from typing import List

import numpy as np

from attn_unet.datasets.case_slices import input_images, labels_on_scan_grid
from attn_unet.datasets.slice_plan import SlicePlan
from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from ..segmentor import load_segmentor
from .case_scan import open_case
from .channel_inputs import find_cases
from .inputs import rank_share
from .outputs import check_targets, prepare_out_dir
from .scan_io import write_like_scan
from .slice_segmentor import SliceSegmentor
from .volume import segment_slices

__all__ = ['checkpoint_slice_plan', 'predict_planned']

RECORD_KEY = 'volume_slices'


def checkpoint_slice_plan(checkpoint: str) -> dict | None:
    """The converter's slice plan a checkpoint carries, or None (a Synapse or 2D model).

    Raises:
        CheckpointError: the file is missing or cannot be read (one line).
    """
    from attn_unet.engine.checkpoint import load_checkpoint_file

    ckpt = load_checkpoint_file(checkpoint, 'test')
    meta = (ckpt.get('meta') or {}).get('dataset_meta') or {} if 'state_dict' in ckpt else {}
    return meta.get(RECORD_KEY) or None


def predict_planned(config: str, checkpoint: str, paths: List[str], options) -> List[str]:
    """Segment every case under ``paths`` as the converter prepared the training cases.

    Args:
        config: The config the run dumped.
        checkpoint: A checkpoint carrying ``volume_slices``.
        paths: Scans, channel files or folders.
        options: :class:`~.tool.PredictOptions` (already checked).

    Returns:
        The files written by this process.

    Raises:
        ToolError: one line naming the first bad input and the fix.
    """
    if options.orientation:
        raise ToolError(
            '--orientation is for checkpoints that do not record their voxel order; this one '
            "puts every scan into its recorded order from the scan's own affine: drop it"
        )
    if options.label_ids != 'synapse':
        raise ToolError(
            f'--label-ids {options.label_ids} maps the Synapse organs; this checkpoint writes '
            "its dataset's own label values: drop --label-ids"
        )
    model = load_segmentor(config, checkpoint, options.device)
    plan = SlicePlan.from_record(model.dataset_meta[RECORD_KEY])
    channels = [c['name'] for c in plan.channels]
    cases = rank_share(find_cases(paths, channels))
    prepare_out_dir(options.out_dir)
    opened = [open_case(case, channels) for case in cases]
    outputs = [_outputs(case.case_id, options) for case in opened]
    check_targets([p for out in outputs for p in out.values() if p], options.overwrite)
    segmentor = SliceSegmentor(model, _logits_fn(options))
    sources = dict(config=config, checkpoint=checkpoint, backend=options.backend)
    written = []
    for case, out in zip(opened, outputs):
        written += _predict_case(case, out, segmentor, plan, options, sources)
    return written


def _outputs(case_id: str, options) -> dict:
    stem = osp.join(options.out_dir, case_id)
    return dict(
        labels=f'{stem}.nii.gz',
        record=f'{stem}.json',
        attention=f'{stem}_attention.nii.gz' if options.save_attention else None,
    )


def _logits_fn(options):
    if options.backend == 'pytorch':
        return None
    from attn_unet.deployment.onnx_runtime import OnnxSegmentor

    return OnnxSegmentor(options.onnx)


def _predict_case(case, out, segmentor, plan: SlicePlan, options, sources) -> List[str]:
    import nibabel as nib
    from tqdm import tqdm

    channels = case.read()
    bar = tqdm(total=None, desc=case.case_id, unit='slice', disable=not options.progress,
               leave=False)  # fmt: skip
    try:
        ids, maps = segment_slices(
            segmentor, input_images(plan, channels, case.affine), options.batch_size,
            options.tta, options.save_attention, bar.update,
        )  # fmt: skip
    finally:
        bar.close()
    labels = labels_on_scan_grid(plan, ids, case.affine)
    write_like_scan(out['labels'], labels, case.scan, options.overwrite)
    written = [out['labels']]
    if out['attention'] and maps is not None:
        attention = labels_on_scan_grid(plan, maps, case.affine).astype(np.float32)
        write_like_scan(out['attention'], attention, case.scan, options.overwrite)
        written.append(out['attention'])
    record = dict(
        case=case.case_id,
        inputs=list(case.files),
        labels=out['labels'],
        attention=written[1] if len(written) > 1 else None,
        classes=dict(zip(plan.classes, plan.label_values)),
        label_ids='dataset',
        **sources,
        preprocessing=dict(
            plan.to_record(),
            scan_orientation=''.join(nib.aff2axcodes(case.affine)),
            tta=options.tta,
        ),
    )
    write_text_atomically(out['record'], json.dumps(record, indent=2) + '\n')
    return written + [out['record']]
