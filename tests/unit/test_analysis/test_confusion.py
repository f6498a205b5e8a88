import os

import cv2
import numpy as np
import pytest
from PIL import Image

from attn_unet.analysis import (
    confusion_matrix,
    dataset_confusion,
    plot_confusion,
)
from attn_unet.apis import load_config
from attn_unet.errors import ToolError


def _loop_count(pred, gt, num_classes, ignore_index=255):
    counts = np.zeros((num_classes, num_classes), np.int64)
    for p, g in zip(pred.ravel(), gt.ravel()):
        if g != ignore_index and 0 <= g < num_classes and 0 <= p < num_classes:
            counts[g, p] += 1
    return counts


@pytest.mark.parametrize('num_classes, ignore_index', [(3, 255), (5, 255), (4, 0)])
def test_confusion_counts_match_pixel_loop(num_classes, ignore_index):
    rng = np.random.default_rng(num_classes)
    gt = rng.integers(0, num_classes, (13, 17))
    gt[:2] = 255
    pred = rng.integers(0, num_classes, (13, 17))
    matrix = confusion_matrix(pred, gt, num_classes, ignore_index)
    np.testing.assert_array_equal(matrix, _loop_count(pred, gt, num_classes, ignore_index))
    assert matrix.sum() == np.sum((gt != ignore_index) & (gt < num_classes))


def test_confusion_rows_are_ground_truth():
    matrix = confusion_matrix(np.array([[1, 1, 0]]), np.array([[0, 0, 255]]), 2)
    assert matrix.tolist() == [[0, 2], [0, 0]]


def test_confusion_rejects_size_mismatch():
    with pytest.raises(ValueError, match='differ in size'):
        confusion_matrix(np.zeros((2, 3)), np.zeros((3, 2)), 2)


def _write_predictions(folder, labels, shift=0):
    os.makedirs(folder, exist_ok=True)
    for stem, gt in labels.items():
        pred = np.where(gt == 255, 0, (gt + shift) % 4).astype(np.uint8)
        Image.fromarray(pred).save(os.path.join(folder, f'{stem}_leftImg8bit.png'))


def test_dataset_confusion_sums_pixels_of_every_image(tiny, tmp_path):
    _write_predictions(tmp_path / 'pred', tiny['labels'], shift=1)
    matrix, classes = dataset_confusion(load_config(tiny['attn_config']), str(tmp_path / 'pred'))
    assert len(classes) == 19 and matrix.shape == (19, 19)
    expected = sum(
        _loop_count(np.where(gt == 255, 0, (gt + 1) % 4), gt, 19) for gt in tiny['labels'].values()
    )
    np.testing.assert_array_equal(matrix, expected)
    assert np.trace(matrix) == 0  # every pixel shifted to the next class


def test_dataset_confusion_names_missing_prediction(tiny, tmp_path):
    labels = dict(list(tiny['labels'].items())[:1])
    _write_predictions(tmp_path / 'pred', labels)
    with pytest.raises(ToolError, match='missing for .*--out'):
        dataset_confusion(load_config(tiny['attn_config']), str(tmp_path / 'pred'))


@pytest.mark.parametrize('normalize', [False, True])
def test_plot_confusion_writes_png(tmp_path, normalize):
    out = str(tmp_path / 'cm.png')
    plot_confusion(np.arange(9).reshape(3, 3), ['road', 'car', 'sky'], out, normalize)
    assert cv2.imread(out) is not None
