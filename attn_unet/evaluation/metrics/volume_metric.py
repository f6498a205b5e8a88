"""Per-volume DSC and HD95 per class, of 2D slice predictions stacked back into their volumes.

Medical segmentation is scored per volume, not per pooled pixel (mmseg's ``IoUMetric``):
each test case's slices are stacked back into the case's volume and, per class and per case,
DSC and HD95 are computed (:func:`~.case_scores.score_case`, medpy), then averaged over cases
per class and over classes. :class:`VolumeMetric` does this for any label set, with HD95 in
millimetres from each case's voxel spacing as the converter recorded it; how a class absent
from the reference or the prediction scores is a named rule. :class:`SynapseVolumeMetric`
(:mod:`.synapse_volume_metric`) is the Synapse protocol's use of it.

One name, one meaning: every key says its rule and unit. The rule is the key's prefix
(``nnunet/`` or ``transunet/``, the ``empty`` rule; a ``prefix`` given is put before it) and
HD95 carries its unit (``HD95_mm``, ``HD95_vox``), so ``nnunet/mHD95_mm`` and
``transunet/mHD95_vox`` can never be mistaken for each other. DSC is in percent under both.
"""

import math
import os.path as osp
from typing import Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.utils import mkdir_or_exist
from PIL import Image
from prettytable import PrettyTable

from attn_unet.errors import ToolError
from attn_unet.registry import METRICS

from .case_scores import EMPTY_RULES, score_case
from .slice_volumes import SLICE_NAME, pack, parse_case_slice, stack_cases

__all__ = ['VolumeMetric']

# The converter's record in the dataset's metainfo (attn_unet.datasets.decathlon).
RECORD_KEY = 'volume_slices'
# HD95's key names its unit (docs/en/train_test.md lists the keys of earlier versions).
HD95_KEYS = {'mm': 'HD95_mm', 'voxels': 'HD95_vox'}


@METRICS.register_module()
class VolumeMetric(BaseMetric):
    """Per-volume, per-class DSC and HD95 of slices regrouped by case, for any label set.

    Each slice's file name gives its case and index (``<case>_slice<index>``);
    :meth:`compute_metrics` stacks the slices of a case in index order into volumes
    ``(Z, H, W)`` and scores every class but the first (background). The score of a
    class is its mean over the cases that count for it; ``mDSC`` and ``mHD95`` are the
    means over classes (NaN entries skipped). DSC is reported in percent; HD95 in mm
    when the dataset's metainfo holds the converter's record of every case's spacing
    (``volume_slices.cases.<case>.spacing``, along the stacked axes), else in voxels.

    Only compressed uint8 label maps and ids are kept per slice, so the results travel
    through mmengine's cross-rank collection; slices of one case may be scored on
    different ranks.

    Args:
        empty: How a class absent from a case's reference and/or prediction scores:
            ``'nnunet'`` (default: absent from both -> not counted; from one -> DSC 0,
            HD95 the volume's diagonal) or ``'transunet'`` (see :mod:`.case_scores`).
        per_case: Also return ``<rule>/<case>/DSC.<class>`` and
            ``<rule>/<case>/HD95_<unit>.<class>``.
        ignore_index: Reference id of unlabelled pixels; they count as background in
            both prediction and reference. Defaults to 255.
        output_dir: If given, also write each predicted slice as ``<name>.png``.
        keep_results: Accepted for ``tools/test.py --out``; nothing else to keep.
        collect_device: ``'cpu'`` or ``'gpu'``, for cross-rank collection.
        prefix: Put before the rule in every key (``<prefix>/<rule>/mDSC``). Defaults to None.
    """

    slice_name = SLICE_NAME
    row_name = 'class'

    def __init__(
        self,
        empty: str = 'nnunet',
        per_case: bool = False,
        ignore_index: int = 255,
        output_dir: str | None = None,
        keep_results: bool = False,
        collect_device: str = 'cpu',
        prefix: str | None = None,
    ) -> None:
        if empty not in EMPTY_RULES:
            raise ToolError(
                f'{type(self).__name__}(empty={empty!r}): pass one of {", ".join(EMPTY_RULES)}'
            )
        rule_prefix = f'{prefix}/{empty}' if prefix else empty  # the rule names every key
        super().__init__(collect_device=collect_device, prefix=rule_prefix)
        self.empty = empty
        self.per_case = per_case
        self.ignore_index = ignore_index
        self.output_dir = output_dir
        if output_dir:
            mkdir_or_exist(output_dir)

    def parse_slice_name(self, path: str) -> tuple[str, int]:
        """``(case id, slice index)`` of a slice file."""
        return parse_case_slice(path, self.slice_name, type(self).__name__)

    def case_name(self, case: str) -> str:
        """How tables and messages name a case."""
        return case

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep ``(case, slice index, shape, packed prediction, packed reference)`` per slice.

        Args:
            data_batch: The batch from the dataloader (unused).
            data_samples: Model outputs as dicts with ``img_path``,
                ``pred_sem_seg.data`` (1, H, W) and ``gt_sem_seg.data`` (1, H, W).
        """
        for sample in data_samples:
            case, index = self.parse_slice_name(sample['img_path'])
            pred = sample['pred_sem_seg']['data'].squeeze(0).cpu().numpy()
            gt = sample['gt_sem_seg']['data'].squeeze(0).cpu().numpy()
            unlabelled = gt == self.ignore_index
            pred = np.where(unlabelled, 0, pred).astype(np.uint8)
            gt = np.where(unlabelled, 0, gt).astype(np.uint8)
            self.results.append((case, index, gt.shape, pack(pred), pack(gt)))
            if self.output_dir:
                name = osp.splitext(osp.basename(sample['img_path']))[0]
                Image.fromarray(pred).save(osp.join(self.output_dir, f'{name}.png'))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Scores from every rank's slices.

        Returns:
            ``mDSC``, ``mHD95_<unit>``, and ``DSC.<class>``, ``HD95_<unit>.<class>`` per
            class (plus the per-case scores with ``per_case``); mmengine puts the rule
            prefix before each (``nnunet/mDSC``).

        Raises:
            ToolError: no slices, a case with missing or mixed-size slices, or a recorded
                spacing that does not fit a case's stacked slices.
        """
        classes = list(self.dataset_meta['classes'])[1:]
        volumes = stack_cases(results, type(self).__name__, self.case_name)
        cases = sorted(volumes)
        dsc = np.zeros((len(cases), len(classes)))
        hd95 = np.zeros_like(dsc)
        spacings = {case: self.spacing(case, volumes[case][1].shape) for case in cases}
        for row, case in enumerate(cases):
            pred, gt = volumes[case]
            for col, class_id in enumerate(range(1, len(classes) + 1)):
                dsc[row, col], hd95[row, col] = score_case(
                    pred == class_id, gt == class_id, spacings[case], self.empty
                )
        dsc_per_class = 100 * _nanmean(dsc, axis=0)
        hd95_per_class = _nanmean(hd95, axis=0)
        unit = 'mm' if all(s is not None for s in spacings.values()) else 'voxels'
        self._log_tables(classes, dsc_per_class, hd95_per_class, cases, dsc, hd95, unit)
        hd95_key = HD95_KEYS[unit]
        metrics = {'mDSC': _mean(dsc_per_class), f'm{hd95_key}': _mean(hd95_per_class)}
        for name, class_dsc, class_hd95 in zip(classes, dsc_per_class, hd95_per_class):
            metrics[f'DSC.{name}'] = float(class_dsc)
            metrics[f'{hd95_key}.{name}'] = float(class_hd95)
        if self.per_case:
            for row, case in enumerate(cases):
                for col, name in enumerate(classes):
                    metrics[f'{case}/DSC.{name}'] = float(100 * dsc[row, col])
                    metrics[f'{case}/{hd95_key}.{name}'] = float(hd95[row, col])
        return metrics

    def spacing(self, case: str, shape: tuple) -> tuple[float, ...] | None:
        """Voxel size along the stacked (Z, H, W) axes from the converter's record, or None.

        Raises:
            ToolError: the record lacks the case, or holds another shape for it.
        """
        record = (self.dataset_meta or {}).get(RECORD_KEY)
        if not record:
            return None
        entry = (record.get('cases') or {}).get(case)
        if entry is None:
            raise ToolError(
                f'the conversion record has no case {case}: test on the set the record '
                'describes, or convert the raw set again'
            )
        if tuple(entry['shape']) != tuple(shape):
            raise ToolError(
                f'case {case} was converted as {tuple(entry["shape"])} (slices, rows, cols) '
                f'but its slices stack to {tuple(shape)}: evaluate at the converted resolution'
            )
        return tuple(float(s) for s in entry['spacing'])

    def _log_tables(self, classes, dsc, hd95, cases, dsc_per_case, hd95_per_case, unit) -> None:
        table = PrettyTable([self.row_name, 'DSC (%)', f'HD95 ({unit})'])
        for name, class_dsc, class_hd95 in zip(classes, dsc, hd95):
            table.add_row([name, f'{class_dsc:.2f}', f'{class_hd95:.2f}'])
        table.add_row(['mean', f'{_mean(dsc):.2f}', f'{_mean(hd95):.2f}'])
        per_case = ', '.join(
            f'{self.case_name(case)} {100 * _mean(row):.2f}'
            for case, row in zip(cases, dsc_per_case)
        )
        text = (
            f'per-volume scores over {len(cases)} cases:\n{table.get_string()}\n'
            f'mean DSC (%) per case: {per_case}'
        )
        if self.per_case:
            cells = PrettyTable(
                ['case'] + [f'{m} {name}' for name in classes for m in ('DSC', 'HD95')]
            )
            for case, row_dsc, row_hd95 in zip(cases, dsc_per_case, hd95_per_case):
                values = [v for pair in zip(100 * row_dsc, row_hd95) for v in pair]
                cells.add_row([self.case_name(case)] + [f'{v:.2f}' for v in values])
            text += f'\nper case (DSC %, HD95 {unit}; nan: class in neither):\n{cells}'
        print_log(text, logger='current')


def _nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean along ``axis`` skipping NaN; NaN where every entry is NaN (no warning)."""
    counted = (~np.isnan(values)).sum(axis=axis)
    total = np.nansum(values, axis=axis)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(counted > 0, total / np.maximum(counted, 1), np.nan)


def _mean(values: np.ndarray) -> float:
    """The mean of the non-NaN ``values``; NaN when none is."""
    values = np.asarray(values, dtype=float)
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if kept.size else math.nan
