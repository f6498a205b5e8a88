"""Confusion matrix of saved predictions against a config's test ground truth."""

import os.path as osp
from collections.abc import Sequence

import matplotlib
import numpy as np
from PIL import Image

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from attn_unet.errors import ToolError  # noqa: E402

__all__ = ['confusion_matrix', 'dataset_confusion', 'plot_confusion']


def confusion_matrix(
    pred: np.ndarray, gt: np.ndarray, num_classes: int, ignore_index: int = 255
) -> np.ndarray:
    """Pixel counts: entry (i, j) is the number of pixels of class i predicted as j.

    Args:
        pred: predicted labels (H, W).
        gt: ground-truth labels (H, W); ``ignore_index`` pixels are skipped,
            as are labels outside [0, num_classes).
        num_classes: C.
        ignore_index: label of unlabelled pixels.

    Returns:
        int64 (C, C), rows ground truth, columns prediction.
    """
    if pred.shape != gt.shape:
        raise ValueError(
            f'confusion_matrix: prediction {pred.shape} and ground truth {gt.shape} differ in size'
        )
    gt = gt.astype(np.int64).ravel()
    pred = pred.astype(np.int64).ravel()
    keep = (gt != ignore_index) & (gt >= 0) & (gt < num_classes)
    keep &= (pred >= 0) & (pred < num_classes)
    counts = np.bincount(gt[keep] * num_classes + pred[keep], minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)


def dataset_confusion(cfg, prediction_dir: str) -> tuple[np.ndarray, list[str]]:
    """Sum :func:`confusion_matrix` over the config's test set.

    Args:
        cfg: mmengine Config with a ``test_dataloader.dataset``.
        prediction_dir: label PNGs named ``<image stem>.png``, as mmseg 1.2.2
            ``tools/test.py --out DIR`` writes them (+1 for reduce_zero_label
            datasets).

    Returns:
        The (C, C) matrix and the class names.

    Raises:
        ToolError: missing data, missing predictions, or a size mismatch.
    """
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS

    if not osp.isdir(prediction_dir):
        raise ToolError(
            f'prediction folder {prediction_dir} not found: write it with '
            f'tools/test.py CONFIG CHECKPOINT --out {prediction_dir}'
        )
    dataset_cfg = cfg.test_dataloader.dataset
    img_dir = osp.join(
        dataset_cfg.get('data_root', ''), dataset_cfg.get('data_prefix', {}).get('img_path', '')
    )
    if not osp.isdir(img_dir):
        raise ToolError(
            f'test images {img_dir} not found: prepare the dataset or set '
            f'test_dataloader.dataset.data_root in the config'
        )
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = DATASETS.build(dict(dataset_cfg, lazy_init=False))
    classes = list(dataset.metainfo['classes'])
    matrix = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for info in dataset.load_data_list():
        stem = osp.splitext(osp.basename(info['img_path']))[0]
        pred_path = osp.join(prediction_dir, f'{stem}.png')
        if not osp.isfile(pred_path):
            raise ToolError(
                f'prediction {pred_path} missing for {info["img_path"]}: run '
                f'tools/test.py with the same config and --out {prediction_dir}'
            )
        gt = _read_gt(info, dataset.ignore_index)
        pred = np.asarray(Image.open(pred_path)).astype(np.int64)
        if info.get('reduce_zero_label', False):
            pred = pred - 1
        if pred.shape != gt.shape:
            raise ToolError(
                f'prediction {pred_path} is {pred.shape[1]}x{pred.shape[0]} but '
                f'its ground truth is {gt.shape[1]}x{gt.shape[0]}: predictions '
                f'must be written at the original image size'
            )
        matrix += confusion_matrix(pred, gt, len(classes), dataset.ignore_index)
    return matrix, classes


def _read_gt(info: dict, ignore_index: int) -> np.ndarray:
    """Ground-truth labels (H, W) as the test pipeline's LoadAnnotations gives them."""
    gt = np.asarray(Image.open(info['seg_map_path'])).astype(np.int64)
    label_map = info.get('label_map')
    if label_map:
        mapped = gt.copy()
        for old, new in label_map.items():
            mapped[gt == old] = new
        gt = mapped
    if info.get('reduce_zero_label', False):
        gt = np.where(gt == 0, ignore_index, gt - 1)
        gt[gt == ignore_index - 1] = ignore_index
    return gt


def plot_confusion(
    matrix: np.ndarray,
    classes: Sequence[str],
    out_file: str,
    normalize: bool = False,
    title: str = 'Normalized Confusion Matrix',
) -> None:
    """Save the matrix as an image with class names on both axes.

    Args:
        matrix: (C, C) counts, rows ground truth.
        classes: C names.
        out_file: image path.
        normalize: show each row as percentages of its ground-truth pixels.
        title: figure title.
    """
    shown = matrix.astype(np.float64)
    if normalize:
        totals = shown.sum(axis=1, keepdims=True)
        shown = np.divide(shown * 100, totals, out=np.zeros_like(shown), where=totals > 0)
    size = max(6, 0.5 * len(classes))
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    image = ax.imshow(shown, cmap='Blues')
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ticks = np.arange(len(classes))
    ax.set_xticks(ticks, labels=classes, rotation=45, ha='right')
    ax.set_yticks(ticks, labels=classes)
    ax.set_xlabel('Prediction')
    ax.set_ylabel('Ground truth')
    ax.set_title(title)
    if len(classes) <= 30:
        threshold = shown.max() / 2 if shown.size else 0
        for (row, col), value in np.ndenumerate(shown):
            text = f'{value:.1f}' if normalize else f'{int(value)}'
            ax.text(
                col,
                row,
                text,
                ha='center',
                va='center',
                fontsize=6,
                color='white' if value > threshold else 'black',
            )
    fig.tight_layout()
    fig.savefig(out_file, dpi=100)
    plt.close(fig)
