"""SynapseVolumeMetric: slices regrouped into volumes, scored by medpy with the reference rules."""

import random

import nibabel as nib
import numpy as np
import pytest
import torch
from medpy.metric import binary
from scipy import ndimage

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.registry import METRICS

from attn_unet.errors import ToolError
from attn_unet.evaluation.metrics import SynapseVolumeMetric, case_metrics, parse_slice_name

CLASSES = ('background', 'aorta', 'gallbladder', 'pancreas')
ORGANS = CLASSES[1:]


def cube(shape=(20, 20, 20), start=(5, 5, 5), size=10) -> np.ndarray:
    mask = np.zeros(shape, bool)
    mask[tuple(slice(s, s + size) for s in start)] = True
    return mask


def point(index, shape=(12, 16, 16)) -> np.ndarray:
    mask = np.zeros(shape, bool)
    mask[index] = True
    return mask


def random_label_volume(rng, shape=(10, 24, 24), num_classes=len(CLASSES)) -> np.ndarray:
    """Blobby organs: smoothed noise, one channel per class, argmax."""
    scores = ndimage.gaussian_filter(rng.normal(size=(num_classes, *shape)), sigma=(0, 1.5, 2, 2))
    return scores.argmax(0).astype(np.uint8)


def reference_scores(pred: np.ndarray, gt: np.ndarray) -> tuple[float, float]:
    """TransUNet's calculate_metric_percase, with medpy on the full volumes."""
    if pred.sum() > 0 and gt.sum() > 0:
        return binary.dc(pred, gt), binary.hd95(pred, gt)
    if pred.sum() > 0:
        return 1, 0
    return 0, 0


def slice_samples(case: str, pred: np.ndarray, gt: np.ndarray) -> list[dict]:
    """The dicts the evaluator hands to ``process``, one per slice of a (Z, H, W) case."""
    return [
        dict(
            img_path=f'data/synapse/img_dir/val/case{case}_slice{z:03d}.jpg',
            pred_sem_seg=dict(data=torch.from_numpy(pred[z][None].astype(np.int64))),
            gt_sem_seg=dict(data=torch.from_numpy(gt[z][None].astype(np.int64))),
        )
        for z in range(len(gt))
    ]


def new_metric(**kwargs) -> SynapseVolumeMetric:
    metric = METRICS.build(dict(type='SynapseVolumeMetric', **kwargs))
    metric.dataset_meta = dict(classes=CLASSES)
    return metric


def evaluate(samples: list[dict], batch_size: int = 3, **kwargs) -> dict:
    metric = new_metric(**kwargs)
    for start in range(0, len(samples), batch_size):
        metric.process({}, samples[start : start + batch_size])
    return metric.evaluate(len(samples))


@pytest.mark.parametrize(
    'path, expected',
    [
        ('img_dir/val/case0001_slice000.jpg', ('0001', 0)),
        ('/abs/case0038_slice147.png', ('0038', 147)),
        ('case12_slice7.jpg', ('12', 7)),
    ],
)
def test_parse_slice_name(path, expected):
    assert parse_slice_name(path) == expected


@pytest.mark.parametrize(
    'path', ['img_dir/val/img0001_slice000.jpg', 'case0001.jpg', 'case0001_slice0a.jpg']
)
def test_bad_slice_name_is_one_line_naming_the_file(path):
    with pytest.raises(ToolError, match=path) as info:
        parse_slice_name(path)
    assert '\n' not in str(info.value)


@pytest.mark.parametrize(
    'pred, gt, expected',
    [
        (cube(), cube(), (1.0, 0.0)),  # perfect overlap
        (np.zeros((20, 20, 20), bool), cube(), (0.0, 0.0)),  # organ missed
        (cube(), np.zeros((20, 20, 20), bool), (1.0, 0.0)),  # false organ, reference rule
        (np.zeros((20, 20, 20), bool), np.zeros((20, 20, 20), bool), (0.0, 0.0)),
        # 3 voxel shift of a 10^3 cube: overlap 7 * 10 * 10 -> DSC 2 * 700 / 2000
        (cube(start=(8, 5, 5)), cube(), (0.7, None)),
        # single voxels (3, 4) apart: every surface distance is 5
        (point((2, 3, 4)), point((2, 6, 8)), (0.0, 5.0)),
    ],
)
def test_case_metrics_hand_made_volumes(pred, gt, expected):
    dsc, hd95 = case_metrics(pred, gt)
    assert dsc == pytest.approx(expected[0])
    if expected[1] is not None:
        assert hd95 == pytest.approx(expected[1])


def test_case_metrics_spacing_scales_each_axis():
    pred, gt = point((2, 3, 4)), point((4, 3, 4))
    assert case_metrics(pred, gt, spacing=(2.5, 0.7, 0.7))[1] == pytest.approx(5.0)
    assert case_metrics(point((2, 3, 4)), point((2, 3, 7)), spacing=(2.5, 1, 0.5))[1] == 1.5


@pytest.mark.parametrize('seed', range(4))
def test_case_metrics_agree_with_medpy_on_random_volumes(seed):
    rng = np.random.default_rng(seed)
    gt = random_label_volume(rng)
    pred = random_label_volume(rng) if seed % 2 else np.where(rng.random(gt.shape) < 0.1, 0, gt)
    for organ_id in range(1, len(CLASSES)):
        expected = reference_scores(pred == organ_id, gt == organ_id)
        assert case_metrics(pred == organ_id, gt == organ_id) == pytest.approx(expected)


def test_metric_means_over_cases_then_organs():
    rng = np.random.default_rng(0)
    volumes = {case: random_label_volume(rng) for case in ('0001', '0002', '0003')}
    predictions = {
        '0001': volumes['0001'],  # perfect
        '0002': np.where(volumes['0002'] == 3, 0, volumes['0002']),  # pancreas missed
        '0003': random_label_volume(rng),  # unrelated
    }
    samples = [s for case in volumes for s in slice_samples(case, predictions[case], volumes[case])]
    metrics = evaluate(samples)
    per_case = np.array(
        [
            [reference_scores(predictions[c] == k, volumes[c] == k) for k in range(1, 4)]
            for c in volumes
        ]
    )  # (case, organ, [dsc, hd95])
    assert set(metrics) == {'transunet/mDSC', 'transunet/mHD95_vox'} | {
        f'transunet/{m}.{organ}' for m in ('DSC', 'HD95_vox') for organ in ORGANS
    }
    for col, organ in enumerate(ORGANS):
        assert metrics[f'transunet/DSC.{organ}'] == pytest.approx(100 * per_case[:, col, 0].mean())
        assert metrics[f'transunet/HD95_vox.{organ}'] == pytest.approx(per_case[:, col, 1].mean())
    assert metrics['transunet/mDSC'] == pytest.approx(100 * per_case[..., 0].mean())
    assert metrics['transunet/mHD95_vox'] == pytest.approx(per_case[..., 1].mean())
    assert metrics['transunet/DSC.pancreas'] < metrics['transunet/DSC.aorta']
    assert all(isinstance(v, float) for v in metrics.values())


def test_empty_prediction_and_false_organ_follow_reference_rules():
    gt = np.zeros((4, 8, 8), np.uint8)
    gt[1:3, 2:5, 2:5] = 1  # aorta only
    pred = np.zeros_like(gt)
    pred[2, 6:8, 6:8] = 2  # no aorta, a gallbladder where there is none
    metrics = evaluate(slice_samples('0001', pred, gt))
    assert (metrics['transunet/DSC.aorta'], metrics['transunet/HD95_vox.aorta']) == (0.0, 0.0)
    assert (metrics['transunet/DSC.gallbladder'], metrics['transunet/HD95_vox.gallbladder']) == (
        100.0,
        0.0,
    )
    assert (metrics['transunet/DSC.pancreas'], metrics['transunet/HD95_vox.pancreas']) == (0.0, 0.0)


def test_slices_shuffled_and_split_between_ranks_give_the_same_numbers():
    rng = np.random.default_rng(1)
    cases = {case: random_label_volume(rng) for case in ('0004', '0008')}
    samples = [
        s
        for case, gt in cases.items()
        for s in slice_samples(case, np.where(rng.random(gt.shape) < 0.2, 0, gt), gt)
    ]
    in_order = evaluate(samples)
    shuffled = samples[:]
    random.Random(0).shuffle(shuffled)
    assert evaluate(shuffled, batch_size=4) == in_order
    # Two "ranks" each see every other slice (slices of one case on both), results gathered.
    ranks = [new_metric(), new_metric()]
    for rank, metric in enumerate(ranks):
        for sample in shuffled[rank::2]:
            metric.process({}, [sample])
    gathered = ranks[0].results + ranks[1].results
    unprefixed = {key.removeprefix('transunet/'): v for key, v in in_order.items()}
    assert ranks[0].compute_metrics(gathered) == unprefixed
    # A slice seen twice (a distributed sampler pads the last batch) counts once.
    assert ranks[0].compute_metrics(gathered + gathered[:1]) == unprefixed


def test_results_are_small_and_picklable():
    import pickle

    gt = np.zeros((2, 512, 512), np.uint8)
    gt[:, 200:260, 180:300] = 5
    metric = new_metric()
    metric.process({}, slice_samples('0001', gt, gt))
    assert len(pickle.dumps(metric.results)) < 0.02 * gt.nbytes


def test_missing_slice_and_bad_name_are_refused():
    gt = np.ones((5, 8, 8), np.uint8)
    samples = slice_samples('0002', gt, gt)
    with pytest.raises(ToolError, match='case0002 lacks slice 2'):
        evaluate(samples[:2] + samples[3:])
    samples[0]['img_path'] = 'val/frame_0001.jpg'
    with pytest.raises(ToolError, match='val/frame_0001.jpg'):
        evaluate(samples)


def test_table_printed_through_the_logger(capsys):
    from mmengine.logging import MMLogger

    MMLogger.get_instance('volume_metric_test')
    gt = random_label_volume(np.random.default_rng(2))
    evaluate(slice_samples('0001', gt, gt))
    out = capsys.readouterr().out
    assert 'HD95 (voxels)' in out
    for organ in ORGANS:
        assert organ in out
    assert 'case0001 100.00' in out


def test_nifti_spacing_in_the_converters_axis_order(tmp_path):
    # Raw volume (X, Y, Z) = (6, 7, 5) with zooms (0.8, 0.7, 3.0); the converter slices
    # along Z and writes (X, Y) slices, so the stacked volume is (Z, X, Y).
    raw = np.zeros((6, 7, 5), np.uint8)
    image = nib.Nifti1Image(raw, affine=np.diag([0.8, 0.7, 3.0, 1.0]))
    nib.save(image, tmp_path / 'label0003.nii.gz')
    gt = np.zeros((5, 6, 7), np.uint8)
    gt[2, 3, 3] = 1
    shifted_z, shifted_x = np.zeros_like(gt), np.zeros_like(gt)
    shifted_z[3, 3, 3] = 1
    shifted_x[2, 4, 3] = 1
    for pred, expected in ((shifted_z, 3.0), (shifted_x, 0.8)):
        metrics = evaluate(slice_samples('0003', pred, gt), nifti_label_dir=str(tmp_path))
        assert metrics['transunet/HD95_mm.aorta'] == pytest.approx(expected)
    with pytest.raises(ToolError, match='stack'):
        evaluate(slice_samples('0003', gt[:4], gt[:4]), nifti_label_dir=str(tmp_path))
    with pytest.raises(ToolError, match='label0001.nii.gz'):
        evaluate(slice_samples('0001', gt, gt), nifti_label_dir=str(tmp_path))
