"""Cross-validation in one command, and what predict does with its folder.

Two folds of the converted Decathlon phantom are cross-validated with a tiny model as users run
it (``tools/cross_validate.py`` in a subprocess, each fold a ``tools/train.py`` run). The first
run trains fold 0 to its end and is killed inside fold 1 (a probe hook's ``kill -9`` after its
iteration-3 checkpoint); the same command then leaves fold 0 as it is, resumes fold 1 from that
checkpoint, predicts both folds' validation cases and scores them. The summary's numbers are
held against medpy's scoring of the written predictions.

The tiny models predict background everywhere, so for ``tools/predict.py`` a copy of the
folder has each fold's classifier bias shifted (by the fold's own probabilities on the test
scan) until every class wins a share of it in scattered pieces. With it, the folds' ensemble is
the argmax of their mean softmax (computed here from each fold's own probabilities), five
copies of one checkpoint give that checkpoint's labels and probabilities bit for bit, the
probabilities' argmax is the labels, members of another slice plan are refused, and
``--postprocess auto`` applies what the cross-validation chose.
"""

import json
import math
import re
import shutil

import nibabel as nib
import numpy as np
import pytest
import torch
from medpy.metric import binary
from scipy import ndimage

from tests.helpers.decathlon_runs import TINY
from tests.helpers.tools import (
    assert_one_line_error,
    file_hashes,
    run_tool,
    run_tool_in_process,
)

FOLDS = ('0', '1')
OPTIONS = [
    *TINY,  # 6 iterations of a tiny model; a checkpoint at 3 too
    'default_hooks.checkpoint.interval=3',
]
KILL_FOLD_1 = {'PROBE_KILL_AFTER_ITER': '3', 'PROBE_KILL_IN_WORK_DIR': 'fold_1'}
CLASSES = ['background', 'pancreas', 'cancer']


def _probe_config(converted, folder):
    """The converter's AttentionUNet config with the resume and kill probes."""
    record = json.loads((converted / 'conversion.json').read_text())
    path = folder / 'probe_config.py'
    path.write_text(
        f'_base_ = [{str(converted / record["configs"][0])!r}]\n'
        "custom_imports = dict(imports=['attn_unet', 'tests.helpers.probe_hooks'], "
        'allow_failed_imports=False)\n'
        "custom_hooks = _base_.custom_hooks + [dict(type='ResumeStateProbeHook'), "
        "dict(type='KillAfterIterProbeHook')]\n"
    )
    return path


def _cross_validate(config, work, env=None):
    return run_tool('tools/cross_validate.py', config, '--folds', *FOLDS, '--work-dir', work,
                    '--no-progress', '--cfg-options', *OPTIONS, env=env, timeout=600)  # fmt: skip


@pytest.fixture(scope='module')
def cv(decathlon_raw, decathlon_converted, tmp_path_factory):
    root = tmp_path_factory.mktemp('cv')
    config, work = _probe_config(decathlon_converted, root), root / 'cv'
    killed = _cross_validate(config, work, env=KILL_FOLD_1)
    left = sorted(str(p.relative_to(work)) for p in work.rglob('iter_*.pth'))
    fold_0 = file_hashes(work / 'fold_0')
    resumed = _cross_validate(config, work)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    fold_0_after = {k: v for k, v in file_hashes(work / 'fold_0').items()
                    if not k.startswith('validation/')}  # fmt: skip
    record = json.loads((decathlon_converted / 'conversion.json').read_text())
    return dict(raw=decathlon_raw, work=work, record=record, killed=killed, left=left,
                resumed=resumed, fold_0=fold_0, fold_0_after=fold_0_after)  # fmt: skip


def test_a_killed_fold_resumes_and_a_finished_one_is_not_trained_again(cv):
    work = cv['work']
    assert_one_line_error(cv['killed'], 'fold 1: tools/train.py ended (killed by signal 9)',
                          'fold 1 resumes from its newest checkpoint')  # fmt: skip
    assert cv['left'] == ['fold_0/iter_3.pth', 'fold_0/iter_6.pth', 'fold_1/iter_3.pth']
    out = cv['resumed'].stdout
    assert f'fold 0: finished (iteration 6 of 6, {work}/fold_0/iter_6.pth)' in out
    assert f'fold 1: resumes from {work}/fold_1/iter_3.pth (iteration 3 of 6)' in out
    assert cv['fold_0_after'] == cv['fold_0']  # not one file of fold 0's run touched
    assert torch.load(work / 'fold_0' / 'resume_probe.pth', weights_only=False)['iter'] == 0
    assert torch.load(work / 'fold_1' / 'resume_probe.pth', weights_only=False)['iter'] == 3
    models = json.loads((work / 'crossval.json').read_text())['folds']
    assert {k: v['checkpoint'] for k, v in models.items()} == {
        k: f'fold_{k}/iter_6.pth' for k in FOLDS
    }


def _medpy(pred, ref, spacing):
    """DSC (%) and HD95 of one class as nnU-Net's rule for empty masks reads them."""
    if pred.any() and ref.any():
        return 100 * binary.dc(pred, ref), binary.hd95(pred, ref, voxelspacing=spacing)
    if not pred.any() and not ref.any():
        return math.nan, math.nan
    diagonal = math.sqrt(sum(((n - 1) * s) ** 2 for n, s in zip(ref.shape, spacing)))
    return 0.0, diagonal


def test_the_summary_is_every_out_of_fold_case_scored(cv):
    summary = json.loads((cv['work'] / 'summary.json').read_text())
    folds = cv['record']['splits']['folds']
    expected_cases = [(case, int(k)) for k in FOLDS for case in folds[int(k)]['val']]
    assert [(r['case'], r['fold']) for r in summary['metric_per_case']] == expected_cases
    classes = summary['classes']
    assert classes == ['pancreas', 'cancer']
    dsc, hd95 = [], []
    for row, (case, fold) in zip(summary['metric_per_case'], expected_cases):
        pred_file = cv['work'] / f'fold_{fold}' / 'validation' / f'{case}.nii.gz'
        ref_file = cv['raw'] / 'labelsTr' / f'{case}.nii.gz'
        assert row['prediction'] == str(pred_file) and row['reference'] == str(ref_file)
        pred_image, ref_image = nib.load(pred_file), nib.load(ref_file)
        np.testing.assert_array_equal(pred_image.affine, ref_image.affine)  # the scan's grid
        pred, ref = np.asarray(pred_image.dataobj), np.asarray(ref_image.dataobj)
        spacing = np.linalg.norm(ref_image.affine[:3, :3], axis=0)  # mm between voxel centres
        scores = [_medpy(pred == v, ref == v, spacing) for v in (1, 2)]
        dsc.append([s[0] for s in scores])
        hd95.append([s[1] for s in scores])
        for name, (d, h) in zip(classes, scores):
            got = row['metrics'][name]
            got = [math.nan if got[k] is None else got[k] for k in ('DSC', 'HD95')]
            assert got == pytest.approx([d, h], rel=1e-9, nan_ok=True), (case, name)
    for k, name in enumerate(classes):
        column = [row[k] for row in dsc if not math.isnan(row[k])]
        assert summary['mean'][name]['DSC'] == pytest.approx(np.mean(column), rel=1e-9)
        column = [row[k] for row in hd95 if not math.isnan(row[k])]
        assert summary['mean'][name]['HD95'] == pytest.approx(np.mean(column), rel=1e-9)
    means = [summary['mean'][n]['DSC'] for n in classes]
    assert summary['foreground_mean']['DSC'] == pytest.approx(np.mean(means), rel=1e-9)
    printed = cv['resumed'].stdout
    assert f'{len(expected_cases)} cases, out of fold' in printed, printed
    assert re.search(r'^\|\s+mean\s+\|', printed, re.M), printed
    postprocessing = json.loads((cv['work'] / 'postprocessing.json').read_text())
    assert postprocessing['cases'] == len(expected_cases)
    assert set(postprocessing['classes']) <= set(classes)


def _predict(*args, capsys, monkeypatch):
    run = run_tool_in_process('tools/predict.py', *args, '--no-progress',
                              capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def _labels(folder, case):
    return np.asarray(nib.load(folder / f'{case}.nii.gz').dataobj)


def _nifti_probabilities(folder, case):
    files = sorted(folder.glob(f'{case}_prob_*.nii.gz'))
    assert [f.name.split('_prob_')[1][0] for f in files] == ['0', '1', '2']
    return np.stack([np.asarray(nib.load(f).dataobj) for f in files])


def _pieces(ids, class_id):
    return ndimage.label(ids == class_id, structure=np.ones((3, 3, 3)))[1]


@pytest.fixture(scope='module')
def test_case(cv):
    (scan,) = sorted((cv['raw'] / 'imagesTs').glob('*.nii.gz'))
    return scan, scan.name[: -len('.nii.gz')]


@pytest.fixture(scope='module')
def shifted(cv, test_case, tmp_path_factory):
    """A copy of the cross-validation folder whose folds predict every class on the test scan.

    Each fold's classifier bias (the last layer before the softmax, so a shift of the logits)
    is raised for pancreas by a quantile, over the scan, of its log-odds against background,
    then for cancer by a quantile of its log-odds against the better of the two: pancreas then
    wins about half the scan and cancer about a quarter, in pieces that follow the noise of a
    6-iteration model. A shifted bias changes nothing else.
    """
    from attn_unet.apis.predict import PredictOptions, predict

    scan, case = test_case
    folder = tmp_path_factory.mktemp('shifted') / 'cv'
    shutil.copytree(cv['work'], folder)
    models = json.loads((folder / 'crossval.json').read_text())['folds']
    for fold, quantiles in zip(FOLDS, ((0.5, 0.75), (0.4, 0.7))):
        config, checkpoint = folder / models[fold]['config'], folder / models[fold]['checkpoint']
        out = folder.parent / f'fold{fold}_as_trained'
        options = PredictOptions(out_dir=str(out), save_probabilities=True, progress=False)
        predict(str(config), str(checkpoint), [str(scan)], options)
        log_p = np.log(np.maximum(_nifti_probabilities(out, case).astype(np.float64), 1e-30))
        state = torch.load(checkpoint, weights_only=False)
        bias = state['state_dict']['decode_head.conv_seg.bias']
        pancreas = log_p[1] - log_p[0] - np.quantile(log_p[1] - log_p[0], quantiles[0])
        over_the_rest = log_p[2] - log_p[0] - np.maximum(pancreas, 0)
        bias[1] -= float(np.quantile(log_p[1] - log_p[0], quantiles[0]))
        bias[2] -= float(np.quantile(over_the_rest, quantiles[1]))
        torch.save(state, checkpoint)
    return folder


def test_the_folds_ensemble_is_the_argmax_of_their_mean_softmax(
    shifted, test_case, tmp_path, capsys, monkeypatch
):
    scan, case = test_case
    models = json.loads((shifted / 'crossval.json').read_text())['folds']
    alone = []
    for fold in FOLDS:
        out = tmp_path / f'fold{fold}'
        _predict(shifted / models[fold]['config'], shifted / models[fold]['checkpoint'],
                 scan, '--out-dir', out, '--save-probabilities', capsys=capsys,
                 monkeypatch=monkeypatch)  # fmt: skip
        alone.append(_nifti_probabilities(out, case))
    _predict(shifted, scan, '--out-dir', tmp_path / 'ensemble', '--save-probabilities',
             capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    probs = _nifti_probabilities(tmp_path / 'ensemble', case)
    labels = _labels(tmp_path / 'ensemble', case)
    mean = (alone[0].astype(np.float64) + alone[1]) / 2
    np.testing.assert_allclose(probs, mean, rtol=1e-6, atol=1e-7)
    top2 = np.sort(mean, axis=0)[-2:]
    clear = top2[1] - top2[0] > 1e-5  # away from ties
    assert clear.mean() > 0.99
    np.testing.assert_array_equal(labels[clear], mean.argmax(axis=0)[clear])
    np.testing.assert_array_equal(labels, probs.argmax(axis=0))  # the written argmax, exactly
    assert set(np.unique(labels)) == {0, 1, 2}
    for member in alone:  # the mean decides voxels where a member alone would say otherwise
        assert (member.argmax(axis=0) != labels).any()
    record = json.loads((tmp_path / 'ensemble' / f'{case}.json').read_text())
    assert record['checkpoint'] == [str(shifted / models[k]['checkpoint']) for k in FOLDS]
    assert record['probabilities']['format'] == 'nifti'


def test_copies_of_one_checkpoint_give_its_labels_and_probabilities(
    shifted, test_case, tmp_path, capsys, monkeypatch
):
    scan, case = test_case
    model = json.loads((shifted / 'crossval.json').read_text())['folds']['0']
    config, checkpoint = shifted / model['config'], shifted / model['checkpoint']
    copies = [shutil.copy(checkpoint, tmp_path / f'copy{i}.pth') for i in range(5)]
    _predict(config, checkpoint, scan, '--out-dir', tmp_path / 'one', '--save-probabilities',
             capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    _predict(config, *copies, scan, '--out-dir', tmp_path / 'five', '--save-probabilities',
             '--probability-format', 'npz', capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    labels = _labels(tmp_path / 'five', case)
    assert set(np.unique(labels)) == {0, 1, 2}
    np.testing.assert_array_equal(labels, _labels(tmp_path / 'one', case))
    with np.load(tmp_path / 'five' / f'{case}.npz') as npz:
        probs = npz['probabilities']  # (C, Z, Y, X)
    one = _nifti_probabilities(tmp_path / 'one', case)  # (C, X, Y, Z)
    np.testing.assert_array_equal(probs, np.transpose(one, (0, 3, 2, 1)))
    np.testing.assert_array_equal(probs.argmax(axis=0).T, labels)


def test_members_of_another_slice_plan_are_refused(cv, test_case, tmp_path, capsys, monkeypatch):
    scan, _ = test_case
    model = json.loads((cv['work'] / 'crossval.json').read_text())['folds']['0']
    config, checkpoint = cv['work'] / model['config'], cv['work'] / model['checkpoint']
    other = torch.load(checkpoint, weights_only=False)
    other['meta']['dataset_meta']['volume_slices']['context'] = 3
    torch.save(other, tmp_path / 'other.pth')
    run = run_tool_in_process('tools/predict.py', config, checkpoint, tmp_path / 'other.pth',
                              scan, '--out-dir', tmp_path / 'out', capsys=capsys,
                              monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, f'ensemble member {tmp_path}/other.pth differs from',
                          'in its slice plan: context 1 vs 3')  # fmt: skip
    assert not (tmp_path / 'out').exists()
    run = run_tool_in_process('tools/predict.py', config, checkpoint, scan, '--out-dir',
                              tmp_path / 'out', '--postprocess', 'auto', capsys=capsys,
                              monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, '--postprocess auto applies what a cross-validation chose')


def _largest_pieces(ids, class_ids, foreground):
    """An independent reading of nnU-Net's step: scipy's labelling, 26-connected."""
    out = ids.copy()
    for class_id in ([None] if foreground else []) + list(class_ids):  # None: the foreground
        mask = out > 0 if class_id is None else out == class_id
        pieces, count = ndimage.label(mask, structure=np.ones((3, 3, 3)))
        if count > 1:
            sizes = ndimage.sum(mask, pieces, range(1, count + 1))
            out[mask & (pieces != 1 + int(np.argmax(sizes)))] = 0
    return out


def test_postprocess_auto_applies_what_the_cross_validation_chose(
    shifted, test_case, tmp_path, capsys, monkeypatch
):
    scan, case = test_case
    chosen = json.loads((shifted / 'postprocessing.json').read_text())
    for mode in ('none', 'auto', 'lcc'):
        _predict(shifted, scan, '--out-dir', tmp_path / mode, '--postprocess', mode,
                 capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    raw = _labels(tmp_path / 'none', case)
    assert _pieces(raw, 1) > 1 and _pieces(raw, 2) > 1  # islands to remove
    auto = _largest_pieces(raw, [CLASSES.index(c) for c in chosen['classes']], chosen['foreground'])
    np.testing.assert_array_equal(_labels(tmp_path / 'auto', case), auto)
    if chosen['classes'] or chosen['foreground']:
        assert (auto != raw).any()
    lcc = _labels(tmp_path / 'lcc', case)
    np.testing.assert_array_equal(lcc, _largest_pieces(raw, [1, 2], False))
    assert _pieces(lcc, 1) == 1 and _pieces(lcc, 2) == 1
    record = json.loads((tmp_path / 'auto' / f'{case}.json').read_text())
    assert record['postprocessing']['mode'] == 'auto'
    assert record['postprocessing']['classes'] == chosen['classes']
