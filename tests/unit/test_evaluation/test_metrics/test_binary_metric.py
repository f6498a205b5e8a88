"""VesselMetric on hand-made masks: Dice / IoU from counts, softmax == sigmoid, thin recall."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from attn_unet.evaluation.metrics import VesselMetric
from attn_unet.evaluation.metrics.binary_metric import local_vessel_width, thin_vessel_mask

DRIVE_META = dict(classes=('background', 'vessel'), palette=[[120, 120, 120], [6, 230, 230]])


def _sample(pred: np.ndarray, label: np.ndarray) -> dict:
    return dict(
        pred_sem_seg=dict(data=torch.from_numpy(pred)[None]),
        gt_sem_seg=dict(data=torch.from_numpy(label)[None]),
    )


def _evaluate(metric, pairs) -> dict:
    metric.dataset_meta = DRIVE_META
    metric.process({}, [_sample(p, g) for p, g in pairs])
    return metric.compute_metrics(metric.results)


def _two_vessels() -> np.ndarray:
    """20x30 ground truth: a 1-px vessel on row 3 and a 6-px vessel on rows 10-15, cols 2-27."""
    label = np.zeros((20, 30), dtype=np.uint8)
    label[3, 2:28] = 1
    label[10:16, 2:28] = 1
    return label


def test_dice_and_iou_from_hand_counts():
    label = np.zeros((10, 10), dtype=np.uint8)
    label[2:6, 2:6] = 1  # 16 vessel pixels
    pred = np.zeros((10, 10), dtype=np.uint8)
    pred[3:7, 3:7] = 1  # 16 predicted, 9 of them right
    label[0, 0] = 255  # ignored: counts nowhere
    pred[0, 0] = 1
    tp, fp, fn = 9, 7, 7
    tn = 99 - tp - fp - fn  # 100 pixels minus the ignored one
    metrics = _evaluate(VesselMetric(), [(pred, label)])
    dice_vessel = 2 * tp / (2 * tp + fp + fn)
    dice_background = 2 * tn / (2 * tn + fp + fn)
    assert metrics['Dice_vessel'] == round(100 * dice_vessel, 2)
    assert metrics['mDice'] == round(100 * (dice_vessel + dice_background) / 2, 2)
    assert metrics['IoU_vessel'] == round(100 * tp / (tp + fp + fn), 2)
    assert metrics['Recall_vessel'] == round(100 * tp / (tp + fn), 2)
    assert metrics['aAcc'] == round(100 * (tp + tn) / 99, 2)


def test_counts_are_summed_over_images_before_dividing():
    empty = np.zeros((4, 4), dtype=np.uint8)
    full = np.ones((4, 4), dtype=np.uint8)
    # image 1: 16 TP; image 2: 16 FN. Per-image mean Dice would be 50; pooled is 2*16/(32+16).
    metrics = _evaluate(VesselMetric(), [(full, full), (empty, full)])
    assert metrics['Dice_vessel'] == round(100 * 32 / 48, 2)


def test_mdice_and_miou_equal_mmseg_iou_metric():
    rng = np.random.default_rng(0)
    pairs = [tuple(rng.integers(0, 2, (2, 16, 16)).astype(np.uint8)) for _ in range(3)]
    from mmseg.evaluation import IoUMetric  # after attn_unet: mmseg needs its mmcv stand-in

    ours = _evaluate(VesselMetric(), pairs)
    mmseg_metric = IoUMetric(iou_metrics=['mDice', 'mIoU'])
    mmseg_metric.dataset_meta = DRIVE_META
    mmseg_metric.process({}, [_sample(p, g) for p, g in pairs])
    theirs = mmseg_metric.compute_metrics(mmseg_metric.results)
    assert ours['mDice'] == pytest.approx(theirs['mDice'], abs=0.011)
    assert ours['mIoU'] == pytest.approx(theirs['mIoU'], abs=0.011)


def _postprocess(seg_logits: torch.Tensor, threshold: float) -> list:
    """mmseg's own ``EncoderDecoder.postprocess_result`` on ``(1, C, H, W)`` logits."""
    from mmseg.models.segmentors import EncoderDecoder
    from mmseg.structures import SegDataSample

    head = SimpleNamespace(threshold=threshold)
    segmentor = SimpleNamespace(decode_head=head, align_corners=False)
    shape = seg_logits.shape[2:]
    meta = dict(img_shape=shape, ori_shape=shape, padding_size=[0] * 4)
    sample = SegDataSample(metainfo=meta)
    sample.gt_sem_seg = PixelData(data=torch.from_numpy(_two_vessels())[None])
    return EncoderDecoder.postprocess_result(segmentor, seg_logits, [sample])


def test_softmax_and_sigmoid_heads_give_the_same_metrics():
    predicted = np.zeros((20, 30), dtype=bool)
    predicted[9:15, 2:28] = True  # the thick vessel shifted one row, the thin one missed
    strength = torch.from_numpy(np.where(predicted, 2.0, -2.0)).float()[None, None]
    softmax_logits = torch.cat([-strength, strength], dim=1)  # (1, 2, H, W): argmax
    sigmoid_logits = strength  # (1, 1, H, W): sigmoid > threshold
    results = []
    for logits in (softmax_logits, sigmoid_logits):
        samples = _postprocess(logits, threshold=0.5)
        metric = VesselMetric()
        metric.dataset_meta = DRIVE_META
        metric.process({}, [s.to_dict() for s in samples])
        results.append(metric.compute_metrics(metric.results))
    assert results[0] == results[1]
    tp, fp, fn = 5 * 26, 26, 26 + 26  # rows 10-14 hit, row 9 false, row 15 and the thin row missed
    assert results[0]['Dice_vessel'] == round(100 * 2 * tp / (2 * tp + fp + fn), 2)
    assert results[0]['Recall_thin'] == 0.0


@pytest.mark.parametrize(
    'hit_rows, recall_thin, recall_vessel',
    [
        ([3], 100.0, 100 * 26 / (7 * 26)),  # only the 1-px vessel found
        (range(10, 16), 0.0, 100 * 6 / 7),  # only the 6-px vessel found
        ([3, 10, 11, 12], 100.0, 100 * 4 / 7),
    ],
)
def test_thin_recall_counts_only_the_thin_vessel(hit_rows, recall_thin, recall_vessel):
    label = _two_vessels()
    pred = np.zeros_like(label)
    for row in hit_rows:
        pred[row, 2:28] = 1
    metrics = _evaluate(VesselMetric(), [(pred, label)])
    assert metrics['Recall_thin'] == recall_thin
    assert metrics['Recall_vessel'] == round(recall_vessel, 2)


def test_thin_mask_is_exactly_the_one_pixel_vessel():
    label = _two_vessels().astype(bool)
    thin = thin_vessel_mask(label, thin_width=3)
    assert thin[3, 2:28].all() and thin.sum() == 26
    assert not thin[10:16].any()


@pytest.mark.parametrize('width, expected', [(1, 1), (2, 1), (3, 3), (4, 3), (5, 5), (6, 5)])
def test_local_width_of_a_straight_vessel(width, expected):
    mask = np.zeros((30, 40), dtype=bool)
    mask[10 : 10 + width, 5:35] = True
    assert set(np.unique(local_vessel_width(mask)[mask])) == {expected}


def test_thin_recall_is_nan_without_thin_vessels():
    label = np.zeros((20, 20), dtype=np.uint8)
    label[5:11, 2:18] = 1
    assert np.isnan(_evaluate(VesselMetric(), [(label, label)])['Recall_thin'])


@pytest.mark.parametrize(
    'pred_value, label_value, message',
    [(2, 1, 'two-class prediction'), (1, 7, 'two-class label')],
)
def test_multiclass_input_is_refused(pred_value, label_value, message):
    pred = np.full((4, 4), pred_value, dtype=np.uint8)
    label = np.full((4, 4), label_value, dtype=np.uint8)
    with pytest.raises(ValueError, match=message):
        _evaluate(VesselMetric(), [(pred, label)])


def test_metric_is_registered_on_import():
    from mmseg.registry import METRICS

    import attn_unet  # noqa: F401

    assert METRICS.get('VesselMetric') is VesselMetric
