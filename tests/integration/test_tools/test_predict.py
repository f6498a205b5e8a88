"""tools/predict.py end to end: a trained phantom model segments new NIfTI scans.

The volumes it writes are the slices ``tools/test.py`` predicts, voxel for voxel, and
score the same per organ with medpy; a scan stored in any orientation gets the same
mask in its own voxel order; outputs keep the scan's geometry; bad input is one line.
"""

import json
import os
import shutil
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from medpy.metric import binary
from PIL import Image

from attn_unet.deployment import class_agreement, pixel_differences
from attn_unet.slicing.ct_slices import btcv_to_synapse, from_synapse_slices, to_synapse_slices
from tests.helpers.distributed import free_port
from tests.helpers.logit_references import max_difference, slice_log_probs, slice_spec
from tests.helpers.orientations import stored_as
from tests.helpers.predict_fixtures import ITERS, SIZE, SLICES, predict_in_process
from tests.helpers.synapse_runs import train_phantom
from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process

ORGANS = ('aorta', 'gallbladder', 'left_kidney', 'right_kidney', 'liver', 'pancreas', 'spleen')
LIVER = 5


def predict(model, *inputs, out_dir, extra=()):
    return run_tool(
        'tools/predict.py', model['config'], model['checkpoint'], *inputs,
        '--out-dir', out_dir, '--no-progress', *extra,
    )  # fmt: skip


def scan(model, case):
    return model['raw'] / 'img' / f'img{case}.nii.gz'


def medpy_scores(pred, gt):
    """Per organ ``(DSC, HD95 in voxels)`` with TransUNet's conventions for empty masks."""
    scores = {}
    for organ_id, organ in enumerate(ORGANS + ('stomach',), start=1):
        p, g = pred == organ_id, gt == organ_id
        if p.any() and g.any():
            scores[organ] = (binary.dc(p, g), binary.hd95(p, g))
        else:
            scores[organ] = (1.0, 0.0) if p.any() else (0.0, 0.0)
    return scores


def test_the_checkpoint_records_how_its_training_slices_were_cut(phantom_model):
    import torch

    meta = torch.load(phantom_model['checkpoint'], weights_only=True)['meta']
    record = meta['dataset_meta']['ct_slices']
    assert record['orientation'] == 'PRS' and record['context'] == 1  # the phantom's voxel order
    assert record['image_suffix'] == '.jpg' and record['hu_window'] == [-125.0, 275.0]


def test_volumes_are_test_py_predictions_and_score_the_same(phantom_model, tmp_path):
    model = phantom_model
    tested = run_tool(
        'tools/test.py', model['config'], model['checkpoint'], '--work-dir', tmp_path / 'test',
        '--out', tmp_path / 'slices', '--out-metrics', tmp_path / 'metrics.json',
    )  # fmt: skip
    assert tested.returncode == 0, tested.stderr[-2000:]
    metrics = json.loads((tmp_path / 'metrics.json').read_text())['metrics']
    result = predict(model, *(scan(model, c) for c in model['val']), out_dir=tmp_path / 'pred')
    assert result.returncode == 0, result.stderr[-2000:]

    per_case = []
    for case in model['val']:
        predicted = np.asarray(nib.load(tmp_path / 'pred' / f'img{case}.nii.gz').dataobj)
        slices = [tmp_path / 'slices' / f'case{case}_slice{z:03d}.png' for z in range(SLICES)]
        from_test = from_synapse_slices(np.stack([np.asarray(Image.open(p)) for p in slices]))
        np.testing.assert_array_equal(predicted, from_test)  # voxel for voxel, no tolerance
        assert (predicted == LIVER).any() and not np.array_equal(predicted, predicted[::-1])
        labels = nib.load(model['raw'] / 'label' / f'label{case}.nii.gz')
        per_case.append(medpy_scores(predicted, btcv_to_synapse(np.asarray(labels.dataobj))))
    for organ in per_case[0]:
        dsc = np.mean([scores[organ][0] for scores in per_case]) * 100
        hd95 = np.mean([scores[organ][1] for scores in per_case])
        assert dsc == pytest.approx(metrics[f'transunet/DSC.{organ}'], abs=1e-6), organ
        assert hd95 == pytest.approx(metrics[f'transunet/HD95_vox.{organ}'], abs=1e-6), organ
    assert metrics['transunet/DSC.liver'] > 50


def test_flip_tta_is_test_py_tta_over_the_trained_mirrors(phantom_model, tmp_path):
    """Both tools' --tta average over the mirrors training applied (RandomRotFlip: rows and
    columns): the volumes predict.py writes are tools/test.py --tta's slices, voxel for voxel."""
    model = phantom_model
    tested = run_tool(
        'tools/test.py', model['config'], model['checkpoint'], '--work-dir', tmp_path / 'test',
        '--out', tmp_path / 'slices', '--tta',
    )  # fmt: skip
    assert tested.returncode == 0, tested.stderr[-2000:]
    case = model['val'][0]
    plain = predict(model, scan(model, case), out_dir=tmp_path / 'plain')
    result = predict(model, scan(model, case), out_dir=tmp_path / 'pred', extra=('--tta', 'flip'))
    assert result.returncode == 0 and plain.returncode == 0, result.stderr[-2000:]
    predicted = np.asarray(nib.load(tmp_path / 'pred' / f'img{case}.nii.gz').dataobj)
    slices = [tmp_path / 'slices' / f'case{case}_slice{z:03d}.png' for z in range(SLICES)]
    from_test = from_synapse_slices(np.stack([np.asarray(Image.open(p)) for p in slices]))
    np.testing.assert_array_equal(predicted, from_test)
    assert (
        predicted != np.asarray(nib.load(tmp_path / 'plain' / f'img{case}.nii.gz').dataobj)
    ).any()
    record = json.loads((tmp_path / 'pred' / f'img{case}.json').read_text())
    assert record['preprocessing']['tta_mirror_axes'] == [0, 1]


def test_a_scan_unlike_the_training_volumes_is_said_so(phantom_model, tmp_path, capsys,
                                                      monkeypatch):  # fmt: skip
    """HU offset by 1024 (air at 0): one warning naming the scan, expected and found;
    --strict refuses it in one line before anything is written; the scan as it is passes."""
    model = phantom_model
    original = nib.load(scan(model, model['val'][0]))
    shifted = np.asarray(original.dataobj, dtype=np.float32) + 1024
    nib.save(nib.Nifti1Image(shifted, original.affine), tmp_path / 'offset.nii.gz')
    shutil.copy(scan(model, model['val'][0]), tmp_path / 'as_is.nii.gz')
    run = predict_in_process(model, tmp_path / 'offset.nii.gz', tmp_path / 'as_is.nii.gz',
                             '--out-dir', tmp_path / 'out', capsys=capsys,
                             monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    warnings = [line for line in run.stderr.splitlines() if line.startswith('warning: ')]
    assert len(warnings) == 1 and 'offset.nii.gz: CT intensities 0 to ' in warnings[0]
    assert 'training volumes (the low percentile: expected -1024..-1024' in warnings[0]
    strict = predict_in_process(model, tmp_path / 'offset.nii.gz', '--strict', '--out-dir',
                                tmp_path / 'strict', capsys=capsys,
                                monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(strict, 'offset.nii.gz: CT intensities', 'refused by --strict')
    assert not (tmp_path / 'strict').exists()


def test_every_stored_orientation_gets_the_same_mask(phantom_model, tmp_path):
    model = phantom_model
    original = nib.load(scan(model, model['val'][0]))
    data = np.asarray(original.dataobj)
    folder = tmp_path / 'scans'
    folder.mkdir()
    shutil.copy(scan(model, model['val'][0]), folder / 'as_stored.nii.gz')
    for axcodes in ('LPS', 'RAS', 'SLA', 'IPR'):
        moved, affine = stored_as(data, original.affine, axcodes)
        nib.save(nib.Nifti1Image(moved, affine, original.header), folder / f'{axcodes}.nii.gz')
    result = predict(model, folder, out_dir=tmp_path / 'pred')
    assert result.returncode == 0, result.stderr[-2000:]
    reference = np.asarray(nib.load(tmp_path / 'pred' / 'as_stored.nii.gz').dataobj)
    assert (reference == LIVER).any()
    for axcodes in ('LPS', 'RAS', 'SLA', 'IPR'):
        written = nib.load(tmp_path / 'pred' / f'{axcodes}.nii.gz')
        assert ''.join(nib.aff2axcodes(written.affine)) == axcodes  # the scan's own order
        back, _ = stored_as(np.asarray(written.dataobj), written.affine, 'PRS')
        np.testing.assert_array_equal(back, reference)
        record = json.loads((tmp_path / 'pred' / f'{axcodes}.json').read_text())
        assert record['preprocessing']['scan_orientation'] == axcodes


def test_attention_btcv_ids_and_flip_tta(phantom_model, tmp_path):
    model = phantom_model
    case = model['val'][0]
    extra = ('--save-attention', '--label-ids', 'btcv', '--tta', 'flip', '--batch-size', '3')
    result = predict(model, scan(model, case), out_dir=tmp_path, extra=extra)
    assert result.returncode == 0, result.stderr[-2000:]
    labels = np.asarray(nib.load(tmp_path / f'img{case}.nii.gz').dataobj)
    assert set(np.unique(labels)) <= {0, 1, 2, 3, 4, 6, 7, 8, 11} and (labels == 6).any()
    attention = nib.load(tmp_path / f'img{case}_attention.nii.gz')
    alpha = np.asarray(attention.dataobj)
    assert alpha.shape == (SIZE, SIZE, SLICES, 3) and alpha.dtype == np.float32
    assert 0 <= alpha.min() and alpha.max() <= 1 and alpha.std() > 0
    np.testing.assert_allclose(attention.affine, nib.load(scan(model, case)).affine)
    record = json.loads((tmp_path / f'img{case}.json').read_text())
    assert record['classes']['liver'] == 6 and record['label_ids'] == 'btcv'
    assert record['preprocessing']['tta'] == 'flip' and record['attention'].endswith('.nii.gz')
    assert result.stdout.splitlines()[0].startswith('device: cpu (--device auto')


def test_two_ranks_write_what_one_process_writes(phantom_model, tmp_path):
    model = phantom_model
    scans = [scan(model, case) for case in model['val']]
    single = predict(model, *scans, out_dir=tmp_path / 'one')
    assert single.returncode == 0, single.stderr[-2000:]
    ranks = run_tool(
        'python3', '-m', 'torch.distributed.run', '--nproc_per_node=2',
        f'--master_port={free_port()}', 'tools/predict.py', model['config'],
        model['checkpoint'], *scans, '--out-dir', tmp_path / 'two', '--no-progress',
    )  # fmt: skip
    assert ranks.returncode == 0, ranks.stderr[-2000:]
    assert sorted(os.listdir(tmp_path / 'one')) == sorted(os.listdir(tmp_path / 'two'))
    for case in model['val']:
        one = nib.load(tmp_path / 'one' / f'img{case}.nii.gz')
        two = nib.load(tmp_path / 'two' / f'img{case}.nii.gz')
        np.testing.assert_array_equal(np.asarray(one.dataobj), np.asarray(two.dataobj))
        assert one.header == two.header
    assert ranks.stdout.count('wrote 2 files') == 2  # one scan and its record per rank


def _write(path, data, affine=None):
    nib.save(nib.Nifti1Image(data, np.diag([1.5, 1.5, 4, 1.0]) if affine is None else affine), path)
    return path


def _not_nifti(model, folder):
    (folder / 'scan.nii.gz').write_text('not a volume')
    return [folder / 'scan.nii.gz'], 'not a readable NIfTI'


def _two_d(model, folder):
    return [_write(folder / 'scan.nii.gz', np.zeros((SIZE, SIZE), np.int16))], '2D array'


def _four_d(model, folder):
    return [_write(folder / 'scan.nii.gz', np.zeros((8, 8, 4, 3), np.int16))], '4D array'


def _truncated(model, folder):
    whole = scan(model, model['val'][0]).read_bytes()
    (folder / 'a_whole.nii.gz').write_bytes(whole)  # sorted first: refused before it is segmented
    (folder / 'b_cut.nii.gz').write_bytes(whole[: len(whole) // 2])
    return [folder], 'b_cut.nii.gz is truncated or damaged'


def _singular(model, folder):
    image = nib.Nifti1Image(np.zeros((8, 8, 4), np.int16), None)
    image.header.set_sform(np.diag([1, 0, 1, 1.0]), code=2)
    nib.save(image, folder / 'scan.nii.gz')
    return [folder / 'scan.nii.gz'], 'singular affine'


@pytest.mark.parametrize('make', [_not_nifti, _two_d, _four_d, _truncated, _singular])
def test_bad_scans_are_one_line_and_nothing_is_written(
    phantom_model, tmp_path, capsys, monkeypatch, make
):
    (tmp_path / 'in').mkdir()
    inputs, words = make(phantom_model, tmp_path / 'in')
    run = run_tool_in_process(
        'tools/predict.py', phantom_model['config'], phantom_model['checkpoint'], *inputs,
        '--out-dir', tmp_path / 'out', '--no-progress', capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert_one_line_error(run, words)
    assert not (tmp_path / 'out').exists()  # the folder this refused run would have made


def test_existing_outputs_are_kept_unless_overwrite(phantom_model, tmp_path, capsys, monkeypatch):
    model = phantom_model
    case = model['val'][0]
    (tmp_path / f'img{case}.json').write_text('mine')
    args = ('tools/predict.py', model['config'], model['checkpoint'], scan(model, case))
    run = run_tool_in_process(*args, '--out-dir', tmp_path, '--no-progress',
                              capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, f'img{case}.json exists', '--overwrite')
    assert sorted(os.listdir(tmp_path)) == [f'img{case}.json']
    run = run_tool_in_process(*args, '--out-dir', tmp_path, '--no-progress', '--overwrite',
                              capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0 and (tmp_path / f'img{case}.nii.gz').is_file()
    assert json.loads((tmp_path / f'img{case}.json').read_text())['scan'].endswith('.nii.gz')


def test_an_unwritable_out_dir_is_refused(phantom_model, tmp_path, capsys, monkeypatch):
    if os.geteuid() == 0:
        (tmp_path / 'out').write_text('a file')  # root writes anywhere: a file stands in
        words = 'is a file'
    else:
        (tmp_path / 'out').mkdir(mode=0o500)
        words = 'cannot write into --out-dir'
    run = run_tool_in_process(
        'tools/predict.py', phantom_model['config'], phantom_model['checkpoint'],
        scan(phantom_model, phantom_model['val'][0]), '--out-dir', tmp_path / 'out',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert_one_line_error(run, words)


def test_btcv_ids_need_the_synapse_classes(tiny, phantom_model, tmp_path, capsys, monkeypatch):
    run = run_tool_in_process(
        'tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'],
        scan(phantom_model, phantom_model['val'][0]), '--out-dir', tmp_path,
        '--label-ids', 'btcv', capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert_one_line_error(run, '--label-ids btcv maps the 9 Synapse classes', '19 classes')
    assert os.listdir(tmp_path) == []


def _tool_and_reference_scores(model, case, other_backend: dict):
    """The case's slices through torch and through ``other_backend`` here, as the tool runs
    them (one torch thread, as run_tool gives the tool): ``(torch scores, other scores,
    torch labels)``, scores ``(Z, C, H, W)`` log-probabilities, labels ``(X, Y, Z)``."""
    import torch

    from attn_unet.apis import load_segmentor
    from attn_unet.apis.predict.slice_segmentor import build_slice_segmentor

    torch.set_num_threads(1)  # the tool's; the suite's own count is restored after the test
    volume = nib.load(scan(model, case)).get_fdata(dtype=np.float64)  # PRS: the training order
    scores = []
    for backend in (dict(), other_backend):
        segmentor = load_segmentor(str(model['config']), str(model['checkpoint']), 'cpu')
        spec = slice_spec(segmentor)
        scores.append(slice_log_probs(build_slice_segmentor(segmentor, **backend), volume, spec))
    (reference, torch_labels), (other, _) = scores
    return reference, other, torch_labels


def _slices(labels: np.ndarray):
    import torch

    return torch.from_numpy(np.ascontiguousarray(to_synapse_slices(labels))).long()


@pytest.mark.kernels
def test_the_onnxruntime_backend_writes_the_torch_volume_away_from_near_ties(
    phantom_model, tmp_path
):
    model = phantom_model
    case = model['val'][0]
    onnx = tmp_path / 'model.onnx'
    exported = run_tool(
        'tools/deployment/export_onnx.py', model['config'], model['checkpoint'], '--out', onnx,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr[-2000:]
    for backend, extra in (('torch', ()), ('ort', ('--backend', 'onnxruntime', '--onnx', onnx))):
        result = predict(model, scan(model, case), out_dir=tmp_path / backend, extra=extra)
        assert result.returncode == 0, result.stderr[-2000:]
    torch_labels = np.asarray(nib.load(tmp_path / 'torch' / f'img{case}.nii.gz').dataobj)
    ort_labels = np.asarray(nib.load(tmp_path / 'ort' / f'img{case}.nii.gz').dataobj)
    reference, other, from_torch = _tool_and_reference_scores(
        model, case, dict(backend='onnxruntime', onnx=str(onnx))
    )
    np.testing.assert_array_equal(torch_labels, from_torch)  # the same kernels on the same slices
    # onnxruntime's classes are torch's wherever rounding cannot reach them
    agreement = class_agreement(reference, _slices(ort_labels), max_difference(reference, other))
    assert agreement.holds(max_near_ties=0.001), agreement.describe()
    assert agreement.bound < 1e-4 and (ort_labels == LIVER).any()
    record = json.loads((tmp_path / 'ort' / f'img{case}.json').read_text())
    assert record['backend'] == 'onnxruntime'


@pytest.mark.kernels
def test_the_fast_path_writes_the_plain_volume_away_from_near_ties(phantom_model, tmp_path):
    """--fast: BatchNorm folded, channels-last, bf16 where the CPU has it (AVX512-BF16), else
    fp32; its classes are the plain run's wherever its own rounding cannot reach them."""
    model = phantom_model
    case = model['val'][0]
    result = predict(model, scan(model, case), out_dir=tmp_path / 'fast', extra=('--fast',))
    assert result.returncode == 0, result.stderr[-2000:]
    fast = np.asarray(nib.load(tmp_path / 'fast' / f'img{case}.nii.gz').dataobj)
    assert json.loads((tmp_path / 'fast' / f'img{case}.json').read_text())['fast'] is True
    reference, other, _ = _tool_and_reference_scores(model, case, dict(fast=True))
    # bf16 keeps 3 significant digits, so each pixel is held to its own difference: a large
    # logit's rounding then widens only that pixel's margin of doubt
    agreement = class_agreement(reference, _slices(fast), pixel_differences(reference, other))
    assert agreement.holds(max_near_ties=0.01), agreement.describe()
    assert (fast == LIVER).any()
    refused = predict(model, scan(model, case), out_dir=tmp_path / 'onnx',
                      extra=('--fast', '--backend', 'onnxruntime', '--onnx', 'm.onnx'))  # fmt: skip
    assert_one_line_error(refused, '--fast is the pytorch backend')


K5_CONFIG = 'configs/attn_unet/attn-unet-s5-d16_fcn_1xb24-14k_synapse-2.5d-k5-224x224.py'


@pytest.fixture(scope='module')
def k5_model(phantom_model):
    """The same phantom converted with --context 5, and a 2.5D model trained on it."""
    from attn_unet.datasets.synapse_convert import convert_synapse
    from attn_unet.slicing.ct_slices import SliceSpec

    root = phantom_model['root']
    convert_synapse(phantom_model['raw'], root / 'k5', progress=False, spec=SliceSpec(context=5))
    checkpoint = train_phantom(K5_CONFIG, root / 'k5', root / 'work_k5', SIZE, ITERS, lr=0.1)
    config = root / 'work_k5' / Path(K5_CONFIG).name
    return dict(phantom_model, config=config, checkpoint=checkpoint)


def test_a_2_5d_model_predicts_from_the_scan_what_it_tests_on_its_stacks(k5_model, tmp_path):
    model = k5_model
    tested = run_tool(
        'tools/test.py', model['config'], model['checkpoint'], '--work-dir', tmp_path / 'test',
        '--out', tmp_path / 'slices',
    )  # fmt: skip
    assert tested.returncode == 0, tested.stderr[-2000:]
    case = model['val'][0]
    result = predict(model, scan(model, case), out_dir=tmp_path / 'pred')
    assert result.returncode == 0, result.stderr[-2000:]
    predicted = np.asarray(nib.load(tmp_path / 'pred' / f'img{case}.nii.gz').dataobj)
    slices = [tmp_path / 'slices' / f'case{case}_slice{z:03d}.png' for z in range(SLICES)]
    from_test = from_synapse_slices(np.stack([np.asarray(Image.open(p)) for p in slices]))
    np.testing.assert_array_equal(predicted, from_test)
    assert (predicted == LIVER).any()
    record = json.loads((tmp_path / 'pred' / f'img{case}.json').read_text())['preprocessing']
    assert record['context'] == 5 and record['image_suffix'] == '.tiff'
