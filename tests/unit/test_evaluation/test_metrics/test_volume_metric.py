"""VolumeMetric: any label set scored per volume, HD95 in mm from the converter's record."""

import math

import numpy as np
import pytest
import torch
from medpy.metric import binary
from PIL import Image
from scipy import ndimage

import attn_unet  # noqa: F401  (stands in for mmcv._ext, so mmseg imports with mmcv-lite)

# isort: split
from mmseg.registry import METRICS

from attn_unet.errors import ToolError
from attn_unet.evaluation.metrics import SynapseVolumeMetric, VolumeMetric

CLASSES = ('background', 'pancreas', 'cancer')
SHAPE = (5, 12, 14)
SPACING = (2.5, 0.8, 0.8)


def volume_with(pancreas=True, cancer=True) -> np.ndarray:
    label = np.zeros(SHAPE, np.uint8)
    if pancreas:
        label[1:4, 2:9, 3:11] = 1
    if cancer:
        label[2:4, 4:7, 5:8] = 2
    return label


def samples(case: str, pred: np.ndarray, gt: np.ndarray, suffix='.tiff') -> list[dict]:
    return [
        dict(
            img_path=f'data/msd/img_dir/val/{case}_slice{z:03d}{suffix}',
            pred_sem_seg=dict(data=torch.from_numpy(pred[z][None].astype(np.int64))),
            gt_sem_seg=dict(data=torch.from_numpy(gt[z][None].astype(np.int64))),
        )
        for z in range(len(gt))
    ]


def record(cases, shape=SHAPE, spacing=SPACING) -> dict:
    return dict(cases={c: dict(shape=list(shape), spacing=list(spacing)) for c in cases})


def evaluate(all_samples, meta=None, **kwargs) -> dict:
    metric = METRICS.build(dict(type='VolumeMetric', **kwargs))
    metric.dataset_meta = dict(classes=CLASSES, **(meta or {}))
    for start in range(0, len(all_samples), 4):
        metric.process({}, all_samples[start : start + 4])
    return metric.evaluate(len(all_samples))


def test_a_class_absent_from_both_masks_does_not_count_and_a_missed_one_is_the_worst():
    gt_a, gt_b, gt_c = volume_with(), volume_with(cancer=False), volume_with()
    pred_a = gt_a.copy()
    pred_b = gt_b.copy()  # no cancer in the reference nor the prediction: cancer not counted
    pred_c = np.where(gt_c == 2, 1, gt_c)  # cancer missed
    all_samples = samples('p_001', pred_a, gt_a) + samples('p_002', pred_b, gt_b)
    all_samples += samples('p_003', pred_c, gt_c)
    metrics = evaluate(all_samples, dict(volume_slices=record(['p_001', 'p_002', 'p_003'])))
    diagonal = math.sqrt(sum(((n - 1) * s) ** 2 for n, s in zip(SHAPE, SPACING)))
    # cancer: case 1 perfect, case 3 missed (DSC 0, HD95 the diagonal); case 2 not counted
    assert metrics['nnunet/DSC.cancer'] == pytest.approx(50.0)
    assert metrics['nnunet/HD95_mm.cancer'] == pytest.approx(diagonal / 2)
    pancreas_3 = binary.dc(pred_c == 1, gt_c == 1), binary.hd95(pred_c == 1, gt_c == 1, SPACING)
    assert metrics['nnunet/DSC.pancreas'] == pytest.approx(100 * (2 + pancreas_3[0]) / 3)
    assert metrics['nnunet/HD95_mm.pancreas'] == pytest.approx(pancreas_3[1] / 3)
    assert metrics['nnunet/mDSC'] == pytest.approx((metrics['nnunet/DSC.pancreas'] + 50.0) / 2)


def test_hd95_is_in_mm_along_the_stacked_axes_of_the_record():
    gt = volume_with(cancer=False)
    pred_z, pred_x = np.zeros_like(gt), np.zeros_like(gt)
    pred_z[2:5, 2:9, 3:11] = 1  # one slice too far: 2.5 mm
    pred_x[1:4, 2:9, 4:12] = 1  # one column too far: 0.8 mm
    for pred, expected in ((pred_z, 2.5), (pred_x, 0.8)):
        meta = dict(volume_slices=record(['p_001']))
        assert evaluate(samples('p_001', pred, gt), meta)[
            'nnunet/HD95_mm.pancreas'
        ] == pytest.approx(expected)
    in_voxels = evaluate(samples('p_001', pred_z, gt))
    assert in_voxels['nnunet/HD95_vox.pancreas'] == pytest.approx(1.0)  # no record: voxels


def test_per_case_scores_and_tables(capsys):
    from mmengine.logging import MMLogger

    MMLogger.get_instance('volume_metric_general')
    gt = volume_with()
    pred = np.where(gt == 2, 0, gt)
    meta = dict(volume_slices=record(['p_001', 'p_002']))
    both = samples('p_001', gt, gt) + samples('p_002', pred, gt)
    metrics = evaluate(both, meta, per_case=True)
    assert metrics['nnunet/p_001/DSC.cancer'] == 100.0
    assert metrics['nnunet/p_002/DSC.cancer'] == 0.0
    assert metrics['nnunet/p_001/HD95_mm.pancreas'] == 0.0
    assert set(metrics) == {'nnunet/mDSC', 'nnunet/mHD95_mm'} | {
        f'nnunet/{prefix}{m}.{c}'
        for prefix in ('', 'p_001/', 'p_002/')
        for m in ('DSC', 'HD95_mm')
        for c in CLASSES[1:]
    }  # fmt: skip
    out = capsys.readouterr().out
    assert 'HD95 (mm)' in out and 'p_002' in out and 'DSC cancer' in out


def test_a_record_that_does_not_fit_the_slices_is_refused():
    gt = volume_with()
    with pytest.raises(ToolError, match=r'p_001 was converted as \(4, 12, 14\)'):
        evaluate(samples('p_001', gt, gt), dict(volume_slices=record(['p_001'], (4, 12, 14))))
    with pytest.raises(ToolError, match='the conversion record has no case p_001'):
        evaluate(samples('p_001', gt, gt), dict(volume_slices=record(['p_009'])))
    bad = samples('p_001', gt, gt)
    bad[0]['img_path'] = 'val/p_001.tiff'
    with pytest.raises(ToolError, match='<case>_slice<index>'):
        evaluate(bad)
    with pytest.raises(ToolError, match="empty='dice'"):
        METRICS.build(dict(type='VolumeMetric', empty='dice'))


def test_synapse_is_volume_metric_with_transunets_rule_on_the_phantom(phantom_converted):
    """Same numbers: SynapseVolumeMetric, VolumeMetric(empty='transunet') and medpy by hand."""
    names = ('background', 'aorta', 'gallbladder', 'left_kidney', 'right_kidney', 'liver',
             'pancreas', 'spleen', 'stomach')  # fmt: skip
    paths = sorted((phantom_converted / 'ann_dir' / 'val').glob('*.png'))
    gt = np.stack([np.asarray(Image.open(p)) for p in paths])
    rng = np.random.default_rng(0)
    pred = ndimage.shift(gt, (0, 1, -1), order=0)
    pred[rng.random(gt.shape) < 0.01] = 6
    pred[pred == 3] = 0  # one organ missed
    case = paths[0].name.split('_')[0]  # case0001
    synapse, general = SynapseVolumeMetric(), VolumeMetric(empty='transunet')
    for metric in (synapse, general):
        metric.dataset_meta = dict(classes=names)
        metric.process({}, samples(case, pred, gt, '.jpg'))
    scores = synapse.compute_metrics(synapse.results)
    assert scores == general.compute_metrics(general.results)
    for organ_id, organ in enumerate(names[1:], start=1):
        p, g = pred == organ_id, gt == organ_id
        if p.any() and g.any():
            expected = 100 * binary.dc(p, g), binary.hd95(p, g)
        else:
            expected = (100.0, 0.0) if p.any() else (0.0, 0.0)
        assert (scores[f'DSC.{organ}'], scores[f'HD95_vox.{organ}']) == pytest.approx(expected)


def test_every_key_names_its_rule_and_unit():
    """nnU-Net's and TransUNet's rules, mm and voxels: four meanings, four disjoint key sets."""
    gt = volume_with(cancer=False)
    one = samples('p_001', gt, gt)
    keys = {
        (rule, unit): set(evaluate(one, meta, empty=rule))
        for rule in ('nnunet', 'transunet')
        for unit, meta in (('mm', dict(volume_slices=record(['p_001']))), ('vox', None))
    }
    for (rule, unit), names in keys.items():
        assert f'{rule}/mDSC' in names and f'{rule}/mHD95_{unit}' in names
        assert all(name.startswith(f'{rule}/') for name in names)
        others = set().union(*(n for k, n in keys.items() if k != (rule, unit)))
        assert not {n for n in names if 'HD95' in n} & others
    assert set(evaluate(one, prefix='val')) == {f'val/{k}' for k in keys['nnunet', 'vox']}
