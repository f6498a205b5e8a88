"""Binary (background / foreground) segmentation metric for thin structures such as vessels.

mmseg's ``IoUMetric`` with ``iou_metrics=['mDice']`` returns only the class mean (mDice); the
Dice of the vessel class, which mmseg's DRIVE / STARE / CHASE_DB1 / HRF tables also report,
appears only in its printed per-class table. ``VesselMetric`` returns both, the vessel IoU and
the recall on thin vessels, for a softmax head (``out_channels=2``: ``pred_sem_seg`` is the
argmax) and a sigmoid head (``out_channels=1``: mmseg thresholds the sigmoid at
``decode_head.threshold`` into 0/1) alike: both give a 0/1 ``pred_sem_seg``.
"""

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log
from scipy import ndimage

from attn_unet.registry import METRICS

__all__ = ['VesselMetric', 'local_vessel_width', 'thin_vessel_mask']

_COUNTS = ('tp', 'fp', 'fn', 'tn', 'thin_gt', 'thin_tp')


@METRICS.register_module()
class VesselMetric(BaseMetric):
    """Dice, IoU and thin-vessel recall of a two-class (background 0, vessel 1) segmentation.

    Pixel counts are summed over the whole evaluation set before dividing, as mmseg's
    ``IoUMetric`` does, so ``mDice`` and ``mIoU`` equal its numbers on the same predictions.
    Pixels labelled ``ignore_index`` count nowhere. Returned values are percentages, rounded
    to two decimals:

    - ``mDice``: mean of the background Dice and the vessel Dice (mmseg's ``mDice``).
    - ``Dice_vessel``: ``2 TP / (2 TP + FP + FN)`` of the vessel class.
    - ``IoU_vessel``: ``TP / (TP + FP + FN)``; ``mIoU``: mean with the background IoU.
    - ``Recall_vessel``: ``TP / (TP + FN)``; ``aAcc``: share of pixels labelled right.
    - ``Recall_thin``: the recall restricted to ground-truth vessel pixels whose local width
      (see :func:`local_vessel_width`) is under ``thin_width`` pixels; NaN if the set has none.

    Args:
        thin_width: Width, in pixels, under which a vessel pixel counts as thin. Default 3.
        ignore_index: Label value excluded from every count. Default 255.
        collect_device: Device used to gather results across processes.
        prefix: Prefix added to the metric names.

    Raises:
        ValueError: A prediction or label holds a value other than 0, 1 (or ``ignore_index``
            in the label): the model is not a two-class model.
    """

    def __init__(
        self,
        thin_width: float = 3,
        ignore_index: int = 255,
        collect_device: str = 'cpu',
        prefix: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if thin_width <= 1:
            raise ValueError(f'thin_width must be > 1 pixel, got {thin_width}')
        self.thin_width = thin_width
        self.ignore_index = ignore_index

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Count TP/FP/FN/TN and thin-vessel hits of each sample.

        Args:
            data_batch: The batch from the dataloader (unused).
            data_samples: Model outputs; ``pred_sem_seg.data`` and ``gt_sem_seg.data`` are
                ``(1, H, W)`` label maps (0 background, 1 vessel).
        """
        for sample in data_samples:
            pred = sample['pred_sem_seg']['data'].squeeze().cpu().numpy()
            label = sample['gt_sem_seg']['data'].squeeze().cpu().numpy()
            self.results.append(binary_counts(pred, label, self.thin_width, self.ignore_index))

    def compute_metrics(self, results: list) -> dict[str, float]:
        """Turn the summed counts into percentages (see the class docstring)."""
        total = {key: sum(int(r[key]) for r in results) for key in _COUNTS}
        metrics = metrics_from_counts(total)
        print_log(
            'vessel metrics: '
            + '  '.join(f'{name} {value:.2f}' for name, value in metrics.items()),
            logger=MMLogger.get_current_instance(),
        )
        return metrics


def binary_counts(pred: np.ndarray, label: np.ndarray, thin_width: float, ignore_index: int):
    """Confusion counts of one image and the thin-vessel counts.

    Args:
        pred: ``(H, W)`` prediction, 0 or 1.
        label: ``(H, W)`` ground truth, 0, 1 or ``ignore_index``.
        thin_width: See :class:`VesselMetric`.
        ignore_index: See :class:`VesselMetric`.

    Returns:
        ``{'tp', 'fp', 'fn', 'tn', 'thin_gt', 'thin_tp'}`` pixel counts.
    """
    if pred.shape != label.shape:
        raise ValueError(f'prediction shape {pred.shape} differs from label shape {label.shape}')
    valid = label != ignore_index
    _check_binary('prediction', pred)
    _check_binary('label', label[valid])
    pred_vessel = (pred == 1) & valid
    gt_vessel = (label == 1) & valid
    thin = thin_vessel_mask(gt_vessel, thin_width)
    return dict(
        tp=int(np.sum(pred_vessel & gt_vessel)),
        fp=int(np.sum(pred_vessel & ~gt_vessel)),
        fn=int(np.sum(~pred_vessel & gt_vessel)),
        tn=int(np.sum(~pred_vessel & ~gt_vessel & valid)),
        thin_gt=int(np.sum(thin)),
        thin_tp=int(np.sum(thin & pred_vessel)),
    )


def metrics_from_counts(counts: dict) -> dict[str, float]:
    """Percentages of :class:`VesselMetric` from summed ``binary_counts``."""
    tp, fp, fn, tn = (counts[k] for k in ('tp', 'fp', 'fn', 'tn'))
    dice_vessel = _ratio(2 * tp, 2 * tp + fp + fn)
    dice_background = _ratio(2 * tn, 2 * tn + fp + fn)
    iou_vessel = _ratio(tp, tp + fp + fn)
    iou_background = _ratio(tn, tn + fp + fn)
    metrics = OrderedDict(
        mDice=np.nanmean([dice_background, dice_vessel]),
        Dice_vessel=dice_vessel,
        mIoU=np.nanmean([iou_background, iou_vessel]),
        IoU_vessel=iou_vessel,
        Recall_vessel=_ratio(tp, tp + fn),
        Recall_thin=_ratio(counts['thin_tp'], counts['thin_gt']),
        aAcc=_ratio(tp + tn, tp + tn + fp + fn),
    )
    return {name: round(float(value) * 100, 2) for name, value in metrics.items()}


def local_vessel_width(vessel: np.ndarray) -> np.ndarray:
    """Local width of every vessel pixel: the largest inscribed disk that covers it.

    Let ``D(c)`` be the Euclidean distance from vessel pixel ``c`` to the nearest background
    pixel (``scipy.ndimage.distance_transform_edt``); the open disk ``|p - c| < D(c)`` then
    lies inside the vessel. The width at vessel pixel ``p`` is ``max(2 D(c) - 1)`` over the
    disks that contain ``p``. A straight vessel ``w`` pixels across gets ``w`` for odd ``w``
    and ``w - 1`` for even ``w`` (1 for 1 and 2 px, 3 for 3 and 4 px, 5 for 5 and 6 px).

    Args:
        vessel: ``(H, W)`` boolean vessel mask. The image border counts as vessel-continuing
            (no background is assumed beyond it).

    Returns:
        ``(H, W)`` float widths; 0 on background.
    """
    vessel = np.asarray(vessel, dtype=bool)
    width = np.zeros(vessel.shape, dtype=np.float64)
    if not vessel.any():
        return width
    if vessel.all():
        return np.full(vessel.shape, np.inf)
    squared = np.rint(ndimage.distance_transform_edt(vessel) ** 2).astype(np.int64)
    for radius_sq in np.unique(squared[vessel]):  # D^2 is an integer: few distinct radii
        reach = int(np.ceil(np.sqrt(radius_sq))) - 1
        offsets = np.arange(-reach, reach + 1)
        disk = offsets[:, None] ** 2 + offsets[None, :] ** 2 < radius_sq
        covered = ndimage.binary_dilation(squared == radius_sq, structure=disk)
        np.maximum(width, np.where(covered, 2 * np.sqrt(radius_sq) - 1, 0), out=width)
    return np.where(vessel, width, 0)


def thin_vessel_mask(vessel: np.ndarray, thin_width: float = 3) -> np.ndarray:
    """``(H, W)`` mask of the vessel pixels whose :func:`local_vessel_width` < ``thin_width``."""
    vessel = np.asarray(vessel, dtype=bool)
    return vessel & (local_vessel_width(vessel) < thin_width)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else float('nan')


def _check_binary(what: str, values: np.ndarray) -> None:
    unexpected = np.setdiff1d(np.unique(values), (0, 1))
    if unexpected.size:
        raise ValueError(
            f'VesselMetric needs a two-class {what} (0 background, 1 vessel), found values '
            f'{unexpected[:5].tolist()}: use IoUMetric for multi-class models'
        )
