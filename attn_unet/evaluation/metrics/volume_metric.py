"""Per-volume Dice and HD95 of the Synapse multi-organ CT protocol.

The published Synapse tables (TransUNet, Chen et al. 2021, arXiv 2102.04306;
Swin-Unet, Cao et al. 2021, arXiv 2105.05537) do not score 2D slices: they
stack the slices of each test case back into its volume and, per organ and per
case, compute ``medpy.metric.binary.dc`` and ``hd95``, then average over cases
per organ and over organs. mmseg's ``IoUMetric`` scores pooled pixels instead.
"""

import os.path as osp
import re
import zlib
from collections import defaultdict
from typing import Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.utils import mkdir_or_exist
from PIL import Image
from prettytable import PrettyTable

from attn_unet.errors import ToolError
from attn_unet.registry import METRICS

__all__ = ['SynapseVolumeMetric', 'case_metrics', 'parse_slice_name']

SLICE_NAME = re.compile(r'case(\d+)_slice(\d+)')


def parse_slice_name(path: str) -> tuple[str, int]:
    """``(case id, slice index)`` from a converter file name ``caseXXXX_sliceYYY.ext``.

    Raises:
        ToolError: the name does not follow that pattern.
    """
    stem = osp.splitext(osp.basename(path))[0]
    match = SLICE_NAME.fullmatch(stem)
    if match is None:
        raise ToolError(
            f'{path}: SynapseVolumeMetric needs slice files named case<id>_slice<index> '
            '(as the Synapse converter writes them) to regroup them into volumes'
        )
    return match.group(1), int(match.group(2))


def case_metrics(
    pred: np.ndarray, gt: np.ndarray, spacing: Sequence[float] | None = None
) -> tuple[float, float]:
    """DSC and HD95 of one organ in one case, with the reference conventions.

    Args:
        pred (Z, H, W): Predicted mask of the organ (non-zero = organ).
        gt (Z, H, W): Ground-truth mask of the organ.
        spacing: Voxel size along (Z, H, W) for HD95; None measures it in voxels.

    Returns:
        ``(dc, hd95)`` from medpy when both masks are non-empty; ``(1, 0)`` when
        only the prediction is non-empty; ``(0, 0)`` otherwise (TransUNet's
        ``calculate_metric_percase``). DSC is a fraction here.
    """
    pred = pred.astype(bool)
    gt = gt.astype(bool)
    if pred.any() and gt.any():
        binary = _medpy_binary()
        pred, gt = _crop_to_union(pred, gt)
        return float(binary.dc(pred, gt)), float(binary.hd95(pred, gt, voxelspacing=spacing))
    if pred.any():
        return 1.0, 0.0
    return 0.0, 0.0


@METRICS.register_module()
class SynapseVolumeMetric(BaseMetric):
    """Per-volume, per-organ DSC and HD95 of slices regrouped by case.

    Each slice's file name gives its case and index (``caseXXXX_sliceYYY``);
    :meth:`compute_metrics` stacks the slices of a case in index order into
    volumes (Z, H, W) and scores every class but the first (background) with
    :func:`case_metrics`. The score of an organ is its mean over cases; ``mDSC``
    and ``mHD95`` are the means over organs. DSC is reported in percent, HD95
    in voxels, or in the NIfTI header's unit (mm) with ``nifti_label_dir``.

    Only compressed uint8 label maps and ids are kept per slice, so the results
    travel through mmengine's cross-rank collection; slices of one case may be
    scored on different ranks.

    Args:
        nifti_label_dir: Folder of the raw labels ``label<case>.nii.gz``; when
            given, HD95 uses each case's voxel spacing from the header, in the
            slice layout of mmseg's converter (volume axis 2 becomes the slice
            axis, so the spacing is ``(sz, sx, sy)``). Defaults to None (voxels).
        ignore_index: Ground-truth id of unlabelled pixels; they count as
            background in both prediction and ground truth. Defaults to 255.
        output_dir: If given, also write each predicted slice as ``<name>.png``.
        keep_results: Accepted for ``tools/test.py --out``; nothing else to keep.
        collect_device: ``'cpu'`` or ``'gpu'``, for cross-rank collection.
        prefix: Prefix of the metric names. Defaults to None.
    """

    def __init__(
        self,
        nifti_label_dir: str | None = None,
        ignore_index: int = 255,
        output_dir: str | None = None,
        keep_results: bool = False,
        collect_device: str = 'cpu',
        prefix: str | None = None,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.nifti_label_dir = nifti_label_dir
        self.ignore_index = ignore_index
        self.output_dir = output_dir
        if output_dir:
            mkdir_or_exist(output_dir)

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep ``(case, slice index, shape, packed prediction, packed gt)`` per slice.

        Args:
            data_batch: The batch from the dataloader (unused).
            data_samples: Model outputs as dicts with ``img_path``,
                ``pred_sem_seg.data`` (1, H, W) and ``gt_sem_seg.data`` (1, H, W).
        """
        for sample in data_samples:
            case, index = parse_slice_name(sample['img_path'])
            pred = sample['pred_sem_seg']['data'].squeeze(0).cpu().numpy()
            gt = sample['gt_sem_seg']['data'].squeeze(0).cpu().numpy()
            unlabelled = gt == self.ignore_index
            pred = np.where(unlabelled, 0, pred).astype(np.uint8)
            gt = np.where(unlabelled, 0, gt).astype(np.uint8)
            self.results.append((case, index, gt.shape, _pack(pred), _pack(gt)))
            if self.output_dir:
                name = osp.splitext(osp.basename(sample['img_path']))[0]
                Image.fromarray(pred).save(osp.join(self.output_dir, f'{name}.png'))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Scores from every rank's slices.

        Returns:
            ``mDSC``, ``mHD95``, and ``DSC.<organ>``, ``HD95.<organ>`` per organ.

        Raises:
            ToolError: no slices, or a case with missing or mixed-size slices.
        """
        organs = list(self.dataset_meta['classes'])[1:]
        volumes = _stack_cases(results)
        dsc = np.zeros((len(volumes), len(organs)))
        hd95 = np.zeros_like(dsc)
        for row, (case, (pred, gt)) in enumerate(sorted(volumes.items())):
            spacing = self._spacing(case, gt.shape)
            for col, organ_id in enumerate(range(1, len(organs) + 1)):
                dsc[row, col], hd95[row, col] = case_metrics(
                    pred == organ_id, gt == organ_id, spacing
                )
        dsc_per_organ = 100 * dsc.mean(axis=0)
        hd95_per_organ = hd95.mean(axis=0)
        self._log_table(organs, dsc_per_organ, hd95_per_organ, sorted(volumes), dsc)
        metrics = dict(mDSC=float(dsc_per_organ.mean()), mHD95=float(hd95_per_organ.mean()))
        for organ, organ_dsc, organ_hd95 in zip(organs, dsc_per_organ, hd95_per_organ):
            metrics[f'DSC.{organ}'] = float(organ_dsc)
            metrics[f'HD95.{organ}'] = float(organ_hd95)
        return metrics

    def _spacing(self, case: str, shape: tuple) -> tuple[float, ...] | None:
        """Voxel size along the stacked (Z, H, W) axes, or None for voxels."""
        if self.nifti_label_dir is None:
            return None
        try:
            import nibabel as nib
        except ImportError as exc:
            raise ToolError('nifti_label_dir needs nibabel: pip install nibabel') from exc
        path = osp.join(self.nifti_label_dir, f'label{case}.nii.gz')
        if not osp.isfile(path):
            raise ToolError(f'{path} does not exist: nifti_label_dir must hold label<case>.nii.gz')
        header = nib.load(path).header
        size_x, size_y, size_z = header.get_data_shape()[:3]
        if (size_z, size_x, size_y) != tuple(shape):
            raise ToolError(
                f'{path} has shape {(size_x, size_y, size_z)} but the slices of case{case} stack '
                f'to {tuple(shape)} (slices, rows, cols): evaluate at the original resolution'
            )
        spacing_x, spacing_y, spacing_z = (float(s) for s in header.get_zooms()[:3])
        return spacing_z, spacing_x, spacing_y

    def _log_table(self, organs, dsc, hd95, cases, dsc_per_case) -> None:
        unit = 'mm' if self.nifti_label_dir else 'voxels'
        table = PrettyTable(['organ', 'DSC (%)', f'HD95 ({unit})'])
        for organ, organ_dsc, organ_hd95 in zip(organs, dsc, hd95):
            table.add_row([organ, f'{organ_dsc:.2f}', f'{organ_hd95:.2f}'])
        table.add_row(['mean', f'{dsc.mean():.2f}', f'{hd95.mean():.2f}'])
        per_case = ', '.join(
            f'case{case} {100 * row.mean():.2f}' for case, row in zip(cases, dsc_per_case)
        )
        print_log(
            f'per-volume scores over {len(cases)} cases:\n{table.get_string()}\n'
            f'mean DSC (%) per case: {per_case}',
            logger='current',
        )


def _medpy_binary():
    try:
        from medpy.metric import binary
    except ImportError as exc:
        raise ToolError('SynapseVolumeMetric needs medpy: pip install medpy') from exc
    return binary


def _pack(label_map: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(label_map).tobytes(), 1)


def _unpack(packed: bytes, shape: tuple) -> np.ndarray:
    return np.frombuffer(zlib.decompress(packed), dtype=np.uint8).reshape(shape)


def _stack_cases(results: list) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{case: (pred (Z, H, W), gt (Z, H, W))}`` with slices in index order."""
    if not results:
        raise ToolError('SynapseVolumeMetric got no slices: the test set is empty')
    slices = defaultdict(dict)
    for case, index, shape, pred, gt in results:
        slices[case][index] = (shape, pred, gt)  # a slice seen twice (sampler padding) counts once
    volumes = {}
    for case, by_index in slices.items():
        indices = sorted(by_index)
        missing = sorted(set(range(indices[0], indices[-1] + 1)) - set(indices))
        if missing:
            raise ToolError(
                f'case{case} lacks slice {missing[0]} ({len(missing)} missing between '
                f'{indices[0]} and {indices[-1]}): the volume metric needs every slice of a case'
            )
        shapes = {by_index[i][0] for i in indices}
        if len(shapes) > 1:
            raise ToolError(f'case{case} has slices of different sizes {sorted(shapes)}')
        preds = [_unpack(by_index[i][1], by_index[i][0]) for i in indices]
        gts = [_unpack(by_index[i][2], by_index[i][0]) for i in indices]
        volumes[case] = (np.stack(preds), np.stack(gts))
    return volumes


def _crop_to_union(pred: np.ndarray, gt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both masks cut to the bounding box of their union plus one voxel.

    medpy's surface distances are unchanged: every surface voxel stays inside,
    and the one-voxel margin (where the array has room) keeps the erosion that
    finds the surfaces the same.
    """
    coords = np.nonzero(pred | gt)
    box = tuple(
        slice(max(int(c.min()) - 1, 0), min(int(c.max()) + 2, size))
        for c, size in zip(coords, pred.shape)
    )
    return pred[box], gt[box]
