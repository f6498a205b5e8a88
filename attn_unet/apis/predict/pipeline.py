"""What ``tools/predict.py`` does: a checkpoint and new volumes in, label volumes out.

One pipeline for every checkpoint; the dataset-specific part is the checkpoint's slicing
(:mod:`.slicing`: mmseg's Synapse slices or a converter's slice plan). For each NIfTI case
(a scan, or a case of channel files) and each DICOM series (CT or MR, as the checkpoint
reads) it writes ``OUT/<name>.nii.gz`` (labels on the volume's grid, its affine) and
``OUT/<name>.json`` (classes and written values, checkpoint, config, the preprocessing used;
for a series its UID), plus ``OUT/<name>_attention.nii.gz`` with ``save_attention`` and, for
a series, ``OUT/<name>_seg.dcm`` (a DICOM Segmentation, segments coded from the class names)
with ``dicom_seg``, and the class probabilities with ``save_probabilities``
(:mod:`.probabilities`). Several checkpoints, or a cross-validation folder, predict as one
ensemble (:mod:`.ensemble`: their softmax averaged before the argmax); ``postprocess``
keeps the largest piece of classes after the argmax (:mod:`.postprocess`). 2D images go
through the same segmentor and become ``OUT/<stem>.png``.
Everything that can be checked before the first prediction is checked first (every input's
header and geometry, non-finite voxels, every output name, the output folder, the options
against the checkpoint and the model), so bad input stops the run before anything is
written; each file is written whole or not at all, and a refused or stopped run removes the
``--out-dir`` it created while that is still empty.
"""

import json
import os.path as osp
import sys
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Dict, List

import numpy as np

from attn_unet.errors import ToolError, VolumeError
from attn_unet.fileio import write_text_atomically
from attn_unet.volumes import check_non_finite, fill_non_finite, open_case, write_like
from attn_unet.volumes.dicom import (
    DicomSeries,
    SegAlgorithm,
    coded_segments,
    import_highdicom,
    open_series,
    read_series,
    write_dicom_seg,
)

from ..cohort import StatisticsTable
from .backends import open_backend
from .case_extras import class_palette, volume_preview, volume_statistics
from .images import image_outputs, segment_images
from .inputs import Inputs, find_inputs, rank_share
from .intensity_check import check_intensities
from .ledger import STATISTICS_FILE, Ledger, Outcome, PredictRun
from .options import PredictOptions, check_options
from .outputs import OutDir, ScanOutputs, check_targets, scan_outputs
from .probabilities import ProbabilityWriter, probability_paths
from .resume import Earlier, earlier_outputs, remove_earlier
from .series_choice import choose_series, series_stems
from .slice_loop import segment_slices
from .slicing import VolumeSlicing

__all__ = ['ScanPrediction', 'VolumePrediction', 'predict', 'segment_volume']


@dataclass
class VolumePrediction:
    """What a volume's prediction holds, in the volume's own voxel order.

    Attributes:
        labels: ``(X, Y, Z)`` uint8 class ids (0 background).
        attention: ``(X, Y, Z, S)`` float32 coefficients of the S gated stages (finest
            first), or None.
        image: ``(X, Y, Z)`` the first channel as read, non-finite voxels as they were (what
            the statistics and the preview show).
    """

    labels: np.ndarray
    attention: np.ndarray | None = None
    image: np.ndarray | None = None


@dataclass
class ScanPrediction:
    """What one volume (a case or a series) produced.

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
    """What every volume of a run is predicted with."""

    slicing: VolumeSlicing
    segmentor: object
    options: PredictOptions
    sources: dict
    algorithm: SegAlgorithm
    postprocessing: object
    table: StatisticsTable
    palette: list
    mirror_axes: tuple = ()


def predict(
    config: str | None, checkpoint, paths: List[str], options: PredictOptions
) -> PredictRun:
    """Segment every volume, DICOM series and image under ``paths``; see the module doc.

    Args:
        config: the config the checkpoint(s) were trained with; or a cross-validation folder
            (``tools/cross_validate.py``'s), with ``checkpoint`` None: its folds' models. With
            ``--backend onnxruntime`` the ONNX file's card holds everything, and config and
            checkpoint may be None.
        checkpoint: a checkpoint file, a list of them (an ensemble of one config), or None.
        paths: NIfTI scans, DICOM folders, images, or folders of them.
        options: how to run.

    Returns:
        :class:`~.ledger.PredictRun`: the files written by this process (its rank's share
        under a launcher), every volume's outcome, the summary line and the exit code.

    Raises:
        ToolError: one line naming the bad input and the fix; with several bad volumes and
            no ``--keep-going``, each is named on its own line before it.
    """
    check_options(options)
    backend = open_backend(config, checkpoint, options)
    print(backend.device_line, flush=True)
    slicing, mirror_axes = backend.slicing, backend.mirror_axes
    inputs = find_inputs(paths)
    _check_inputs(inputs, slicing, options)
    series, unreadable = _choose_series(inputs.dicom, options, slicing.dicom_modalities)
    cases = rank_share(slicing.cases(inputs.scans))
    images = rank_share(inputs.images)
    out_dir = OutDir(options.out_dir)
    out_dir.prepare()
    try:
        ledger = Ledger(options.out_dir, options.report, options.resume, options.overwrite)
        opened = _open_volumes(cases, series, slicing, options, ledger, unreadable)
        check_intensities([volume for volume, _ in opened], slicing, backend.intensity_ranges,
                          options.strict)  # fmt: skip
        todo, kept = _plan(opened, options)
        pictures = [image_outputs(options.out_dir, p, options.save_attention) for p in images]
        _check_job_targets(todo, pictures, options)
        ledger.check(options.keep_going)
        segmentor = backend.segmentor()
        table = StatisticsTable(osp.join(options.out_dir, STATISTICS_FILE), slicing.classes[1:])
        table.cases()  # an existing table of other classes is refused before any work
        postprocessing = _postprocessing(options, backend, slicing)
        if options.save_probabilities:  # the file names need the model's classes
            todo, kept = _plan(opened, options, slicing.classes)
            _check_job_targets(todo, pictures, options)
        out_dir.remove_leftovers()
        run = _Run(slicing, segmentor, options, backend.sources, backend.algorithm,
                   postprocessing, table, class_palette(backend, len(slicing.classes)),
                   mirror_axes)  # fmt: skip
        if any(job.outputs.dicom_seg for job in todo):
            _say_generic_codes(slicing.classes)
        for volume, out, record in kept:
            _keep_complete(volume, out, record, run, ledger)
        written = []
        for job in todo:
            written += _predict_job(job, run, ledger)
        if pictures:
            written += segment_images(
                segmentor, pictures, batch_size=options.batch_size, tta=mirror_axes,
                to_ids=slicing.image_ids(), overwrite=options.overwrite,
            )  # fmt: skip
        return ledger.finish(written)
    except BaseException:
        out_dir.remove_if_unused()
        raise


@dataclass
class _Job:
    """A volume to predict: its outputs, what the run says of it, what an earlier run left."""

    volume: object
    outputs: ScanOutputs
    notes: List[str]
    earlier: Earlier


def _plan(opened: list, options: PredictOptions, classes=None) -> tuple:
    """``(jobs to predict, [(volume, outputs, record)] an earlier run finished)``.

    Args:
        opened: ``[(volume, notes)]``.
        options: the run's.
        classes: the model's class names, once known: with ``--save-probabilities`` the
            outputs include the probability files, named by class.
    """
    todo, kept = [], []
    for volume, notes in opened:
        out = scan_outputs(options.out_dir, volume.stem, options.save_attention,
                           options.dicom_seg and isinstance(volume, DicomSeries),
                           options.preview)  # fmt: skip
        if classes is not None and options.save_probabilities:
            out = _with_probabilities(out, volume.stem, classes, options)
        earlier = (earlier_outputs(out, volume.record()['scan'], volume.shape)
                   if options.resume else Earlier(False))  # fmt: skip
        if earlier.complete:
            kept.append((volume, out, earlier.record))
        else:
            todo.append(_Job(volume, out, list(notes), earlier))
    return todo, kept


def _check_job_targets(todo: list, pictures: list, options: PredictOptions) -> None:
    """No existing output without ``--overwrite``, but a leftover ``--continue`` redoes."""
    redone = {p for job in todo for p in job.earlier.present}
    check_targets(
        [p for job in todo for p in job.outputs.paths() if p not in redone]
        + [p for out in pictures for p in out.paths()],
        options.overwrite,
    )


def _open_volumes(cases, series, slicing: VolumeSlicing, options: PredictOptions,
                  ledger: Ledger, unreadable: List[Outcome] = ()) -> list:  # fmt: skip
    """``[(volume, notes)]`` of every case and series that opens and passes the checks.

    Every volume is checked, not only up to the first bad one. Without ``--keep-going`` the
    bad ones refuse the run: each on its own line, then the error. With it, each is skipped
    and goes into the ledger. ``unreadable``: DICOM folders whose files could not even be
    grouped into series (:func:`_choose_series`), bad volumes like the others.

    Raises:
        VolumeError: a volume is bad and ``--keep-going`` is not given.
    """
    openers = [(case.case_id, case.files[0], lambda c=case: open_case(c, slicing.modalities))
               for case in cases]  # fmt: skip
    openers += [(stem, s.folder, lambda s=s, stem=stem: open_series(
        s, stem, allow_tilt=options.allow_gantry_tilt)) for s, stem in series]  # fmt: skip
    opened, bad = [], list(unreadable)
    for name, scan, open_volume in openers:
        try:
            volume = open_volume()
            note = _check_finite(volume, slicing, options)
        except VolumeError as exc:
            bad.append(Outcome(name, scan, 'skipped', str(exc)))
            continue
        opened.append((volume, [note] if note else []))
    if bad and not options.keep_going:
        if len(bad) == 1:
            raise VolumeError(bad[0].reason)
        for outcome in bad:
            print(f'refused: {outcome.reason}', file=sys.stderr)
        total = len(openers) + len(unreadable)
        raise VolumeError(
            f'{len(bad)} of {total} volumes cannot be segmented (each named above): fix '
            'or remove them, or pass --keep-going to skip them and segment the rest'
        )
    for outcome in bad:
        ledger.add(outcome)
    return opened


def _keep_complete(volume, outputs: ScanOutputs, record: dict, run: '_Run', ledger: Ledger):
    """A volume an earlier run finished: its row in statistics.csv, its line in the ledger."""
    if volume.stem not in run.table.cases():  # stopped after the record, before the row
        run.table.add(volume.stem, record['statistics'])
    ledger.add(
        Outcome(
            volume.stem,
            record['scan'],
            'complete',
            statistics=record['statistics'],
            preview=outputs.preview,
            warnings=list(record.get('warnings', [])),
        )
    )


def _predict_job(job: _Job, run: '_Run', ledger: Ledger) -> List[str]:
    """Predict one volume; with ``--keep-going`` a failure is a ledger line, not the end."""
    volume, scan = job.volume, job.volume.record()['scan']
    if job.earlier.present:
        removed = remove_earlier(job.earlier)
        line = (f'{volume.stem}: an earlier run left its outputs incomplete '
                f'({job.earlier.reason}); removed {", ".join(removed)} and redoing it')  # fmt: skip
        print(line, file=sys.stderr)
        job.notes.append(line)
    try:
        done = _predict_volume(volume, job.outputs, run, job.notes)
    except (VolumeError, MemoryError, RuntimeError) as exc:
        if not run.options.keep_going:
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not isinstance(exc, VolumeError):
            reason = f'{type(exc).__name__} during prediction: {reason}'
        ledger.add(Outcome(volume.stem, scan, 'failed', reason))
        return []
    ledger.add(Outcome(volume.stem, scan, 'done', statistics=done.record['statistics'],
                       preview=job.outputs.preview, warnings=job.notes))  # fmt: skip
    return done.written


def _check_inputs(inputs: Inputs, slicing: VolumeSlicing, options: PredictOptions) -> None:
    """Refuse inputs the checkpoint does not read and DICOM options without DICOM input."""
    channels = f'{len(slicing.modalities)} channel(s) ({", ".join(slicing.modalities)})'
    if inputs.images and not slicing.reads_images:
        raise ToolError(
            f'{inputs.images[0]} is not a NIfTI scan (.nii, .nii.gz): this checkpoint reads '
            f'volumes of {channels}, not 2D images'
        )
    if inputs.dicom and not slicing.dicom_modalities:
        raise ToolError(
            f'{next(iter(inputs.dicom))} holds DICOM files, and this checkpoint reads volumes of '
            f'{channels}, which one series cannot hold: pass the NIfTI cases (CASE_0000.nii.gz, '
            '...)'
        )
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
        import_highdicom('--dicom-seg')
    if options.save_probabilities and inputs.images:
        raise ToolError(
            f'--save-probabilities writes the probabilities of a volume, and {inputs.images[0]} '
            'is a 2D image: pass only scans and DICOM folders with it, or drop it'
        )


def _with_probabilities(outputs: ScanOutputs, stem: str, classes, options) -> ScanOutputs:
    paths = probability_paths(osp.dirname(outputs.labels), stem, classes,
                              options.probability_format)  # fmt: skip
    return replace(outputs, probabilities=tuple(paths))


def _choose_series(dicom: Dict[str, List[str]], options: PredictOptions, modalities) -> tuple:
    """This rank's ``[(series, output stem)]`` (stems unique among all ranks' series), and
    its share of the DICOM folders whose files cannot be read, as skipped outcomes."""
    found, unreadable = {}, []
    for root, files in dicom.items():
        try:
            found[root] = read_series(root, files)
        except VolumeError as exc:
            name = osp.basename(osp.normpath(root))
            unreadable.append(Outcome(name, root, 'skipped', str(exc)))
    chosen = choose_series(found, options.series, options.all_series, modalities) if found else []
    chosen = sorted(chosen, key=lambda s: (s.root, s.folder, s.uid))
    return rank_share(list(zip(chosen, series_stems(chosen)))), rank_share(unreadable)


def _check_finite(volume, slicing: VolumeSlicing, options: PredictOptions) -> str | None:
    """Refuse non-finite voxels unless allowed; print and return the note when allowed."""
    note = check_non_finite(
        volume.describe(), volume.non_finite, volume.voxels, slicing.modalities,
        options.allow_non_finite, '--allow-non-finite',
    )  # fmt: skip
    if note:
        print(note, file=sys.stderr)
    return note


def _postprocessing(options: PredictOptions, backend, slicing: VolumeSlicing):
    """``--postprocess``'s rule (:mod:`.postprocess`); none is imported for ``none``, so the
    onnxruntime backend stays torch-free.

    Raises:
        ToolError: ``--postprocess`` other than ``none`` where torch is not installed.
    """
    if options.postprocess == 'none':
        return _NoPostprocessing()
    try:
        from .postprocess import postprocessing_for
    except ImportError as exc:
        raise ToolError(
            f'--postprocess {options.postprocess} needs the full install ({exc}): pip install '
            'attn-unet with torch, or drop --postprocess'
        ) from None
    return postprocessing_for(options.postprocess, getattr(backend, 'cv_folder', None),
                              slicing.classes)  # fmt: skip


class _NoPostprocessing:
    """``--postprocess none``: the labels as the argmax gave them."""

    def apply(self, labels, classes):
        return labels

    def to_record(self) -> dict:
        return {}


def _say_generic_codes(classes: List[str]) -> None:
    generic = [name for _, name, code in coded_segments(classes) if not code.known]
    if generic:
        print(f'note: {", ".join(generic)}: no SNOMED CT code is known for these class names; '
              'their DICOM SEG segments are coded generically (Anatomical Structure, 91723000) '
              'and labelled with the class name', file=sys.stderr)  # fmt: skip


def segment_volume(volume, slicing: VolumeSlicing, segmentor, options, bar=None, mirror_axes=(),
                   probabilities: ProbabilityWriter | None = None):  # fmt: skip
    """Segment one opened volume (a case or a series) as its checkpoint's slicing cuts it.

    Args:
        volume: a :class:`~attn_unet.volumes.Case` or :class:`~attn_unet.volumes.dicom.DicomSeries`.
        slicing: the checkpoint's slicing.
        segmentor: the :class:`~.slice_segmentor.SliceSegmentor` (or an ensemble of them).
        options: batch size, attention.
        bar: a progress bar (tqdm's ``reset`` and ``update``), or None.
        mirror_axes: the slice axes test-time augmentation mirrors along (``--tta flip``:
            those the training mirrored along); ``()``: none.
        probabilities: given every batch's probabilities, when they are to be written.

    Returns:
        :class:`VolumePrediction` in the volume's own voxel order.
    """
    channels = volume.read_channels(slicing.read_dtype)
    image = channels[0]
    if volume.non_finite:  # allowed, or the check before would have refused it
        image = image.copy()
        fill_non_finite(channels, slicing.modalities)
    images, count = slicing.slice_images(channels, volume.affine)
    if bar is not None:
        bar.reset(total=count)
    progress = None if bar is None else bar.update
    if probabilities is not None:
        probabilities.count = count
    ids, maps = segment_slices(segmentor, images, options.batch_size, mirror_axes,
                               options.save_attention, progress, probabilities)  # fmt: skip
    labels = slicing.to_volume(ids, volume.affine)
    attention = None if maps is None else slicing.to_volume(maps, volume.affine)
    return VolumePrediction(labels, attention, image)


def _predict_volume(volume, outputs: ScanOutputs, run: _Run, notes: List[str]) -> ScanPrediction:
    """Segment one volume and write its outputs, the record last; then its statistics row."""
    options, slicing = run.options, run.slicing
    bar = _progress_bar(volume.stem, options.progress)
    with ExitStack() as stack:
        writer = None
        if outputs.probabilities:
            scratch = osp.join(osp.dirname(outputs.labels), f'{volume.stem}_probabilities.npy')
            writer = stack.enter_context(ProbabilityWriter(scratch))
        try:
            prediction = segment_volume(volume, slicing, run.segmentor, options, bar,
                                        run.mirror_axes, writer)  # fmt: skip
        finally:
            bar.close()
        labels = run.postprocessing.apply(prediction.labels, slicing.classes)
        write_like(outputs.labels, slicing.label_values(labels), volume, options.overwrite)
        if writer is not None:
            writer.write(outputs.probabilities, options.probability_format,
                         lambda maps: slicing.to_volume(maps, volume.affine), volume,
                         options.overwrite)  # fmt: skip
    if outputs.attention and prediction.attention is not None:
        write_like(outputs.attention, prediction.attention.astype(np.float32), volume,
                   options.overwrite)  # fmt: skip
    if outputs.dicom_seg:
        write_dicom_seg(outputs.dicom_seg, labels, volume, slicing.classes,
                        run.algorithm, options.overwrite)  # fmt: skip
    modality = volume.modalities[0]
    statistics = volume_statistics(labels, prediction.image, volume.affine, slicing.classes,
                                   modality)  # fmt: skip
    if outputs.preview:
        volume_preview(outputs.preview, labels, prediction.image, volume.affine,
                       slicing.classes, run.palette, modality, volume.stem,
                       options.overwrite)  # fmt: skip
    record = dict(
        **volume.record(),
        labels=outputs.labels,
        attention=outputs.attention,
        classes=slicing.class_values(),
        label_ids=slicing.label_ids,
        **run.sources,
        preprocessing=dict(
            slicing.preprocessing(volume.affine),
            tta=options.tta,
            tta_mirror_axes=list(run.mirror_axes),
        ),
        postprocessing=dict(run.postprocessing.to_record(), mode=options.postprocess),
        statistics=statistics,
        warnings=list(notes),
    )
    if outputs.probabilities:
        record['probabilities'] = _probability_record(outputs, slicing, options)
    if outputs.dicom_seg:  # segment number = the model's class id
        record['dicom_seg'] = outputs.dicom_seg
        record['dicom_seg_segments'] = {name: n for n, name, _ in coded_segments(slicing.classes)}
        record['dicom_seg_codes'] = {
            name: dict(scheme='SCT', code=code.type[0], meaning=code.type[1], known=code.known)
            for _, name, code in coded_segments(slicing.classes)
        }
    write_text_atomically(outputs.record, json.dumps(record, indent=2) + '\n', unique=True)
    run.table.add(volume.stem, statistics)
    return ScanPrediction(scan=volume.record()['scan'], outputs=outputs, record=record)


class _NoBar:
    def reset(self, total=None) -> None: ...

    def update(self, n=1) -> None: ...

    def close(self) -> None: ...


def _progress_bar(name: str, shown: bool):
    """tqdm's bar over a volume's slices; none where tqdm is not installed (a deployment)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(desc=name, unit='slice', disable=not shown, leave=False)


def _probability_record(outputs: ScanOutputs, slicing: VolumeSlicing, options) -> dict:
    """Where the probabilities are and what they hold."""
    if options.probability_format == 'npz':
        files = dict(file=outputs.probabilities[0], key='probabilities',
                     axes='(class, Z, Y, X): the NIfTI voxel axes reversed')  # fmt: skip
    else:
        files = dict(files=dict(zip(slicing.classes, outputs.probabilities)))
    note = 'the probabilities the labels are the argmax of, before postprocessing'
    return dict(format=options.probability_format, dtype='float32', **files, note=note)
