"""How ``tools/predict.py`` runs: its options, the checks that need no input, its wording."""

import os
from dataclasses import dataclass, field
from typing import List

from attn_unet.errors import ToolError

from ..cli import ToolWording
from .device import check_device_name
from .postprocess import POSTPROCESS_MODES
from .probabilities import PROBABILITY_FORMATS

__all__ = ['BACKENDS', 'PREDICT_WORDING', 'PredictOptions', 'check_options']

BACKENDS = ('pytorch', 'onnxruntime')
LABEL_IDS = ('synapse', 'btcv')

PREDICT_WORDING = ToolWording(
    outputs='the --out-dir',
    option='--out-dir',
    writable='--out-dir',
    kept='the predictions finished before it are complete, none is half written; --continue '
    'predicts the rest',
    rerun='--overwrite redoes them all',
)


@dataclass
class PredictOptions:
    """How ``tools/predict.py`` runs; the defaults are its command line's.

    Attributes:
        out_dir: where the predictions go (created).
        batch_size: slices (or images) per forward pass.
        device: ``'auto'`` (CUDA when available, else the CPU), ``'cpu'``, ``'cuda'`` or
            ``'cuda:N'`` (:mod:`.device`).
        tta: ``'none'`` or ``'flip'`` (softmax averaged over the mirrors along the axes the
            training mirrored along, :mod:`.tta_policy`; refused where it mirrored none).
        save_attention: also write every gated stage's coefficients (4D NIfTI; ``.npy``
            for images).
        label_ids: ``'synapse'`` (the model's 0..8) or ``'btcv'`` (the 13-organ ids); Synapse
            checkpoints only.
        overwrite: replace existing outputs.
        backend: ``'pytorch'`` or ``'onnxruntime'`` (needs ``onnx``).
        onnx: the exported model for the onnxruntime backend.
        orientation: the training volumes' axis codes, when the checkpoint does not say.
        progress: show a progress bar per volume.
        series: SeriesInstanceUIDs to segment from DICOM folders (``--series``).
        all_series: segment every series of a DICOM folder the checkpoint reads
            (``--all-series``).
        allow_gantry_tilt: place a tilted series with a sheared affine.
        dicom_seg: also write a DICOM Segmentation of each DICOM series.
        allow_non_finite: segment NaN / inf voxels as air (CT) or 0 (other modalities)
            instead of refusing the volume.
        fast: BatchNorm folded, channels-last, bf16 where the device has fast bf16.
        strict: refuse a scan whose intensities are far from the training volumes' (a
            warning without it; :mod:`.intensity_check`).
        save_probabilities: also write each volume's class probabilities (:mod:`.probabilities`).
        probability_format: ``'nifti'`` (one float32 volume per class) or ``'npz'`` (nnU-Net's).
        postprocess: ``'none'``, ``'lcc'`` or ``'auto'`` (:mod:`.postprocess`).
        resume: ``--continue``: skip the volumes whose outputs are complete (checked), redo
            the ones an earlier run left half written.
        keep_going: skip the volumes that cannot be segmented (listed, and the run ends with
            exit code 1) instead of refusing the run.
        preview: also write ``<name>_preview.png`` per volume (three planes, labels overlaid).
        report: also write ``report.html`` for the run.
    """

    out_dir: str
    batch_size: int = 8
    device: str = 'auto'
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
    strict: bool = False
    save_probabilities: bool = False
    probability_format: str = 'nifti'
    postprocess: str = 'none'
    resume: bool = False
    keep_going: bool = False
    preview: bool = False
    report: bool = False


def check_options(options: PredictOptions) -> None:
    """Refuse options that contradict each other, before any file is looked at.

    Raises:
        ToolError: one line naming the option and the fix.
    """
    if options.batch_size < 1:
        raise ToolError(f'--batch-size {options.batch_size}: pass 1 or more')
    check_device_name(options.device)
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
    if options.probability_format not in PROBABILITY_FORMATS:
        raise ToolError(f'--probability-format {options.probability_format}: pass one of '
                        f'{", ".join(PROBABILITY_FORMATS)}')  # fmt: skip
    if options.postprocess not in POSTPROCESS_MODES:
        raise ToolError(f'--postprocess {options.postprocess}: pass one of '
                        f'{", ".join(POSTPROCESS_MODES)}')  # fmt: skip
    if options.resume and options.overwrite:
        raise ToolError('--continue keeps the complete outputs and --overwrite replaces them: '
                        'pass one of them')  # fmt: skip
    if options.report and int(os.environ.get('WORLD_SIZE', 1)) > 1:
        raise ToolError(
            '--report pages through the whole run, and each rank sees its share: '
            'run without --report, then once more in one process with --continue '
            '--report (it skips every complete case and writes the report)'
        )
