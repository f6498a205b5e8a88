"""Per-volume Dice and HD95 of the Synapse multi-organ CT protocol: one use of VolumeMetric.

The published Synapse tables (TransUNet, Chen et al. 2021, arXiv 2102.04306;
Swin-Unet, Cao et al. 2021, arXiv 2105.05537) do not score 2D slices: they
stack the slices of each test case back into its volume and, per organ and per
case, compute ``medpy.metric.binary.dc`` and ``hd95``, then average over cases
per organ and over organs. That is :class:`~.volume_metric.VolumeMetric` with
TransUNet's rule for empty masks, the Synapse converter's slice names
(``caseXXXX_sliceYYY``) and the spacing read from the raw NIfTI labels.
"""

import os.path as osp
import re
from typing import Sequence

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.registry import METRICS

from .case_scores import score_case
from .slice_volumes import parse_case_slice
from .volume_metric import VolumeMetric

__all__ = ['SynapseVolumeMetric', 'case_metrics', 'parse_slice_name']

SLICE_NAME = re.compile(r'case(\d+)_slice(\d+)')


def parse_slice_name(path: str) -> tuple[str, int]:
    """``(case id, slice index)`` from a converter file name ``caseXXXX_sliceYYY.ext``.

    Raises:
        ToolError: the name does not follow that pattern.
    """
    return parse_case_slice(path, SLICE_NAME, 'SynapseVolumeMetric')


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
    return score_case(pred, gt, spacing, empty='transunet')


@METRICS.register_module()
class SynapseVolumeMetric(VolumeMetric):
    """Per-volume, per-organ DSC and HD95 of Synapse slices regrouped by case.

    :class:`~.volume_metric.VolumeMetric` with TransUNet's rule for empty masks
    (:func:`case_metrics`) and the Synapse converter's file names
    (``caseXXXX_sliceYYY``). DSC is reported in percent, HD95 in voxels, or in the
    NIfTI header's unit (mm) with ``nifti_label_dir``: keys ``transunet/mDSC``,
    ``transunet/mHD95_vox`` (``_mm``), ``transunet/DSC.<organ>``, ... (the rule and the unit
    in every name; :class:`~.volume_metric.VolumeMetric`).

    Args:
        nifti_label_dir: Folder of the raw labels ``label<case>.nii.gz``; when
            given, HD95 uses each case's voxel spacing (from its affine, read by
            :func:`attn_unet.volumes.read_header`), in the
            slice layout of mmseg's converter (volume axis 2 becomes the slice
            axis, so the spacing is ``(sz, sx, sy)``). Defaults to None (voxels).
        ignore_index: Ground-truth id of unlabelled pixels; they count as
            background in both prediction and ground truth. Defaults to 255.
        output_dir: If given, also write each predicted slice as ``<name>.png``.
        keep_results: Accepted for ``tools/test.py --out``; nothing else to keep.
        collect_device: ``'cpu'`` or ``'gpu'``, for cross-rank collection.
        prefix: Put before the rule in every key. Defaults to None.
    """

    slice_name = SLICE_NAME
    row_name = 'organ'

    def __init__(
        self,
        nifti_label_dir: str | None = None,
        ignore_index: int = 255,
        output_dir: str | None = None,
        keep_results: bool = False,
        collect_device: str = 'cpu',
        prefix: str | None = None,
    ) -> None:
        super().__init__(
            empty='transunet',
            ignore_index=ignore_index,
            output_dir=output_dir,
            keep_results=keep_results,
            collect_device=collect_device,
            prefix=prefix,
        )
        self.nifti_label_dir = nifti_label_dir

    def case_name(self, case: str) -> str:
        return f'case{case}'

    def spacing(self, case: str, shape: tuple) -> tuple[float, ...] | None:
        """Voxel size along the stacked (Z, H, W) axes, or None for voxels."""
        if self.nifti_label_dir is None:
            return None
        from attn_unet.volumes import read_header

        path = osp.join(self.nifti_label_dir, f'label{case}.nii.gz')
        if not osp.isfile(path):
            raise ToolError(f'{path} does not exist: nifti_label_dir must hold label<case>.nii.gz')
        label = read_header(path, 'the raw label of the case')
        size_x, size_y, size_z = label.shape[:3]
        if (size_z, size_x, size_y) != tuple(shape):
            raise ToolError(
                f'{path} has shape {(size_x, size_y, size_z)} but the slices of case{case} stack '
                f'to {tuple(shape)} (slices, rows, cols): evaluate at the original resolution'
            )
        spacing_x, spacing_y, spacing_z = label.spacing
        return spacing_z, spacing_x, spacing_y
