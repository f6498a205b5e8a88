"""Predict with a checkpoint whose training set was converted by the Decathlon / nnU-Net converter.

Such a checkpoint carries the converter's slice plan (``meta['dataset_meta']['volume_slices']``,
:class:`~attn_unet.datasets.slice_plan.SlicePlan`). Each case (one file or its channel files,
:mod:`.channel_inputs`) is opened and checked (:mod:`.case_scan`), cut into the network's
inputs by the converter's own code (:func:`~attn_unet.datasets.case_slices.input_images`:
the plan's voxel order, normalisation, context and file encoding), segmented slice by slice
(:func:`~.volume.segment_slices`) and put back on the case's own grid with the dataset's own
label values (:func:`~attn_unet.datasets.case_slices.labels_on_scan_grid`). Per case it
writes ``OUT/<case>.nii.gz`` (labels, the first file's geometry and header),
``OUT/<case>.json`` and, with ``save_attention``, ``OUT/<case>_attention.nii.gz``; the
output folder is handled as for every scan (:class:`~.outputs.OutDir`).
"""

import json
from typing import List

import numpy as np
import torch

from attn_unet.datasets.case_slices import input_images, labels_on_scan_grid
from attn_unet.datasets.slice_plan import SlicePlan
from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from ..segmentor import load_segmentor
from .case_scan import CaseScan, open_case
from .channel_inputs import find_cases
from .inputs import rank_share
from .outputs import OutDir, ScanOutputs, check_targets, scan_outputs
from .scan_io import write_like_scan
from .slice_segmentor import build_slice_segmentor
from .volume import segment_slices

__all__ = ['checkpoint_slice_plan', 'predict_planned']

RECORD_KEY = 'volume_slices'
# With allow_non_finite: what a NaN or inf voxel becomes, per channel kind (air in CT; no
# signal in a z-scored modality, whose background is 0).
NON_FINITE_FILL = {'ct': -1024.0, 'zscore': 0.0, 'none': 0.0}


def checkpoint_slice_plan(checkpoint: str) -> dict | None:
    """The converter's slice plan a checkpoint carries, or None (a Synapse or 2D model).

    Only the checkpoint's meta is read: its tensors are memory-mapped, not loaded (the model's
    load reads them, once). A file torch cannot map (a missing, damaged or pre-zip one) is
    read by the engine's loader instead, which refuses the bad ones in one line.

    Raises:
        CheckpointError: the file is missing or cannot be read (one line).
    """
    from attn_unet.engine.checkpoint import load_checkpoint_file

    try:
        ckpt = torch.load(checkpoint, map_location='cpu', weights_only=True, mmap=True)
    except Exception:  # torch raises several types; the loader names the problem
        ckpt = load_checkpoint_file(checkpoint, 'test')
    if not isinstance(ckpt, dict) or 'state_dict' not in ckpt:
        return None
    meta = (ckpt.get('meta') or {}).get('dataset_meta') or {}
    return meta.get(RECORD_KEY) or None


def predict_planned(config: str, checkpoint: str, paths: List[str], options) -> List[str]:
    """Segment every case under ``paths`` as the converter prepared the training cases.

    Args:
        config: The config the run dumped.
        checkpoint: A checkpoint carrying ``volume_slices``.
        paths: Scans, channel files or folders of them.
        options: :class:`~.tool.PredictOptions` (already checked).

    Returns:
        The files written by this process.

    Raises:
        ToolError: one line naming the first bad input and the fix.
    """
    _check_options(options)
    model = load_segmentor(config, checkpoint, options.device)
    plan = SlicePlan.from_record(model.dataset_meta[RECORD_KEY])
    channels = [c['name'] for c in plan.channels]
    cases = rank_share(find_cases(paths, channels))
    out_dir = OutDir(options.out_dir)
    out_dir.prepare()
    try:
        opened = [open_case(case, channels) for case in cases]
        for case in opened:
            _check_finite(case, options.allow_non_finite)
        outputs = [scan_outputs(options.out_dir, c.case_id, options.save_attention) for c in opened]
        check_targets([p for out in outputs for p in out.paths()], options.overwrite)
        segmentor = build_slice_segmentor(model, options.backend, options.onnx, options.fast)
        out_dir.remove_leftovers()
        sources = dict(config=config, checkpoint=checkpoint, backend=options.backend,
                       fast=options.fast)  # fmt: skip
        written = []
        for case, out in zip(opened, outputs):
            written += _predict_case(case, out, segmentor, plan, options, sources)
        return written
    except BaseException:
        out_dir.remove_if_unused()
        raise


def _check_options(options) -> None:
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
    dicom = [name for name, on in (('--series', options.series),
                                   ('--all-series', options.all_series),
                                   ('--dicom-seg', options.dicom_seg)) if on]  # fmt: skip
    if dicom:
        raise ToolError(
            f'{dicom[0]} is for DICOM series of a Synapse CT model; this checkpoint reads the '
            'NIfTI cases of its Decathlon / nnU-Net set: convert the series to NIfTI (dcm2niix) '
            f'and drop {dicom[0]}'
        )


def _check_finite(case: CaseScan, allow: bool) -> None:
    if case.non_finite and not allow:
        raise ToolError(
            f'case {case.case_id} ({case.files[0]}) has {case.non_finite} voxels that are not '
            'finite (NaN or inf): fix the scan, or pass --allow-non-finite to segment them as '
            'air in CT (-1024 HU) and as 0 in other channels'
        )


def _predict_case(
    case: CaseScan, out: ScanOutputs, segmentor, plan: SlicePlan, options, sources
) -> List[str]:
    import nibabel as nib
    from tqdm import tqdm

    channels = case.read()
    if case.non_finite:  # allowed, or the check before would have refused it
        for channel, spec in zip(channels, plan.channels):
            channel[~np.isfinite(channel)] = NON_FINITE_FILL[spec['norm']]
    bar = tqdm(desc=case.case_id, unit='slice', disable=not options.progress, leave=False)
    try:
        ids, maps = segment_slices(
            segmentor, input_images(plan, channels, case.affine), options.batch_size,
            options.tta, options.save_attention, bar.update,
        )  # fmt: skip
    finally:
        bar.close()
    write_like_scan(out.labels, labels_on_scan_grid(plan, ids, case.affine), case.scan,
                    options.overwrite)  # fmt: skip
    if out.attention and maps is not None:
        attention = labels_on_scan_grid(plan, maps, case.affine).astype(np.float32)
        write_like_scan(out.attention, attention, case.scan, options.overwrite)
    record = dict(
        case=case.case_id,
        inputs=list(case.files),
        labels=out.labels,
        attention=out.attention,
        classes=dict(zip(plan.classes, plan.label_values)),
        label_ids='dataset',
        **sources,
        preprocessing=dict(
            plan.to_record(),
            scan_orientation=''.join(nib.aff2axcodes(case.affine)),
            tta=options.tta,
        ),
    )
    write_text_atomically(out.record, json.dumps(record, indent=2) + '\n', unique=True)
    return out.paths()
