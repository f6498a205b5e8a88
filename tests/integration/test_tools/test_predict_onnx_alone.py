"""An exported ONNX model segments scans alone: no torch, mmengine, mmcv or mmseg imported.

Each checkpoint (a Decathlon-plan model, and a Synapse model trained until it finds the liver)
is exported by ``tools/deployment/export_onnx.py``; ``tools/predict.py --backend onnxruntime
--onnx M.onnx`` then runs in a process where importing torch or an OpenMMLab package fails,
and its labels are held to the torch backend's: the probabilities agree to 1e-4 on the same
slices, and every voxel whose label differs is one where torch's two best classes are within
1e-3 of each other (a near tie). ``demo/onnx_plain.py``, deploy.md's plain-onnxruntime
example, is run on both kinds. The slow test does all of it in a fresh virtual environment
that holds numpy, nibabel and onnxruntime only. The tests comparing torch with onnxruntime are
marked ``kernels``: ``make test`` runs them again with AVX-512 off (docs/en/develop.md); a
near tie (a probability margin under 1e-3, above twice the 1e-4 the probabilities are held to)
is the only place their classes may differ.
"""

import json
import subprocess
import sys

import nibabel as nib
import numpy as np
import pytest

from tests.helpers.predict_fixtures import SIZE
from tests.helpers.tools import REPO, assert_one_line_error, run_tool, run_tool_in_process

OPENMMLAB = ('torch', 'mmseg', 'mmengine', 'mmcv')
IMAGE_LIBRARIES = ('PIL', 'cv2', 'tifffile')
NEAR_TIE = 1e-3


def run_without(blocked, *args, python=sys.executable, script='tools/predict.py'):
    """``script`` in a process where importing any of ``blocked`` fails."""
    code = (
        'import runpy, sys\n'
        f'for name in {tuple(blocked)!r}: sys.modules[name] = None\n'
        f'sys.argv = {[script, *map(str, args)]!r}\n'
        f'runpy.run_path({script!r}, run_name="__main__")\n'
    )
    return run_tool(python, '-c', code)


def export(model, path) -> str:
    run = run_tool('tools/deployment/export_onnx.py', model['config'], model['checkpoint'],
                   '--out', path)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return str(path)


@pytest.fixture(scope='module')
def plan_onnx(decathlon_model, tmp_path_factory):
    return export(decathlon_model, tmp_path_factory.mktemp('onnx') / 'plan.onnx')


@pytest.fixture(scope='module')
def synapse_onnx(phantom_model, tmp_path_factory):
    return export(phantom_model, tmp_path_factory.mktemp('onnx') / 'synapse.onnx')


def card(path) -> dict:
    import onnxruntime as ort

    meta = ort.InferenceSession(path).get_modelmeta().custom_metadata_map
    return {key: json.loads(value) for key, value in meta.items()}


def probabilities(model, onnx, scan_path, mirror_axes=()):
    """Torch's and the ONNX runtime's probabilities ``(Z, K, H, W)`` of one scan's slices, and
    the slicing that cut them (the checkpoint's own)."""
    from attn_unet.apis import load_segmentor
    from attn_unet.apis.predict import SliceSegmentor, segment_batch
    from attn_unet.apis.predict.options import PredictOptions
    from attn_unet.apis.predict.slicing import slicing_for
    from attn_unet.runtime import OnnxModel, OnnxSliceSegmentor
    from attn_unet.volumes import open_case

    torch_model = load_segmentor(str(model['config']), str(model['checkpoint']), 'cpu')
    slicing = slicing_for(str(model['checkpoint']), PredictOptions('unused'))
    slicing.check_model(torch_model, PredictOptions('unused'))
    (case,) = slicing.cases([str(scan_path)])
    volume = open_case(case, slicing.modalities)
    images, _ = slicing.slice_images(volume.read_channels(slicing.read_dtype), volume.affine)
    images = list(images)
    segmentors = SliceSegmentor(torch_model), OnnxSliceSegmentor(OnnxModel(onnx))
    torch_probs, onnx_probs = (
        segment_batch(s, images, False, mirror_axes).probs for s in segmentors
    )
    return torch_probs, onnx_probs, slicing, volume.affine


def near_ties(probs, slicing, affine) -> np.ndarray:
    """Voxels ``(X, Y, Z)`` of the scan whose two best classes are within :data:`NEAR_TIE`."""
    top = np.sort(probs, axis=1)
    margin = top[:, -1] - top[:, -2]
    return slicing.to_volume((margin < NEAR_TIE).astype(np.uint8), affine).astype(bool)


def labels(path) -> np.ndarray:
    return np.asarray(nib.load(path).dataobj)


def test_the_card_carries_the_slicing_and_what_training_saw(plan_onnx, synapse_onnx,
                                                           decathlon_model):  # fmt: skip
    plan = card(plan_onnx)
    record = decathlon_model['record']['volume_slices']
    assert plan['slicing'] == dict(kind='plan', **{k: v for k, v in record.items() if k != 'cases'})
    assert plan['slicing']['orientation'] == 'LPS' and plan['slicing']['label_values'] == [0, 1, 2]
    assert plan['mirror_axes'] == [] and plan['test_pipeline'] == []  # light augmentation
    assert plan['intensity_range'] == record['intensity_range']
    assert plan['classes'] == ['background', 'pancreas', 'cancer']
    synapse = card(synapse_onnx)
    assert synapse['slicing']['kind'] == 'synapse' and synapse['slicing']['orientation'] == 'PRS'
    assert synapse['slicing']['hu_window'] == [-125.0, 275.0] and synapse['mirror_axes'] == [0, 1]
    (resize,) = synapse['test_pipeline']  # the phantom's test size (SIZE)
    assert resize == dict(type='Resize', scale=[SIZE, SIZE], scale_factor=None, keep_ratio=True,
                          interpolation='bilinear')  # fmt: skip
    assert synapse['mean'] == [0.0] * 3 and synapse['std'] == [255.0] * 3


@pytest.mark.kernels
def test_a_plan_model_runs_without_torch_or_image_libraries_and_agrees_with_torch(
    decathlon_model, plan_onnx, tmp_path
):
    raw = decathlon_model['raw']
    scans = sorted((raw / 'imagesTs').glob('*.nii.gz'))
    alone = run_without(OPENMMLAB + IMAGE_LIBRARIES, '--backend', 'onnxruntime', '--onnx',
                        plan_onnx, raw / 'imagesTs', '--out-dir', tmp_path / 'onnx',
                        '--no-progress')  # fmt: skip
    assert alone.returncode == 0, alone.stderr[-3000:]
    assert alone.stdout.startswith('device: cpu (--device auto')
    torch_run = run_tool('tools/predict.py', decathlon_model['config'],
                         decathlon_model['checkpoint'], raw / 'imagesTs', '--out-dir',
                         tmp_path / 'torch', '--no-progress')  # fmt: skip
    assert torch_run.returncode == 0, torch_run.stderr[-3000:]
    torch_probs, onnx_probs, slicing, affine = probabilities(decathlon_model, plan_onnx, scans[0])
    np.testing.assert_allclose(onnx_probs, torch_probs, atol=1e-4)
    ties = near_ties(torch_probs, slicing, affine)
    first = labels(tmp_path / 'torch' / scans[0].name)
    assert not ((labels(tmp_path / 'onnx' / scans[0].name) != first) & ~ties).any()
    for scan in scans[1:]:
        got, want = labels(tmp_path / 'onnx' / scan.name), labels(tmp_path / 'torch' / scan.name)
        assert (got != want).mean() < 1e-3
    record = json.loads((tmp_path / 'onnx' / scans[0].name.replace('.nii.gz', '.json')).read_text())
    assert record['backend'] == 'onnxruntime' and record['onnx'] == plan_onnx
    assert record['classes'] == {'background': 0, 'pancreas': 1, 'cancer': 2}
    # the plain example of docs/en/deploy.md, on the same scan
    plain = run_without(OPENMMLAB + IMAGE_LIBRARIES, plan_onnx, scans[0], tmp_path / 'plain.nii.gz',
                        script='demo/onnx_plain.py')  # fmt: skip
    assert plain.returncode == 0, plain.stderr[-3000:]
    got = labels(tmp_path / 'plain.nii.gz')
    assert not ((got != labels(tmp_path / 'torch' / scans[0].name)) & ~ties).any()


@pytest.mark.kernels
def test_a_synapse_model_with_tta_runs_without_torch_and_agrees_with_torch(
    phantom_model, synapse_onnx, tmp_path
):
    scan = phantom_model['raw'] / 'img' / f'img{phantom_model["val"][0]}.nii.gz'
    options = ('--tta', 'flip', '--no-progress')
    alone = run_without(OPENMMLAB, '--backend', 'onnxruntime', '--onnx', synapse_onnx, scan,
                        '--out-dir', tmp_path / 'onnx', *options)  # fmt: skip
    assert alone.returncode == 0, alone.stderr[-3000:]
    torch_run = run_tool('tools/predict.py', phantom_model['config'], phantom_model['checkpoint'],
                         scan, '--out-dir', tmp_path / 'torch', *options)  # fmt: skip
    assert torch_run.returncode == 0, torch_run.stderr[-3000:]
    torch_probs, onnx_probs, slicing, affine = probabilities(phantom_model, synapse_onnx, scan,
                                                            (0, 1))  # fmt: skip
    np.testing.assert_allclose(onnx_probs, torch_probs, atol=1e-4)
    got, want = labels(tmp_path / 'onnx' / scan.name), labels(tmp_path / 'torch' / scan.name)
    assert (want == 5).any()  # the liver
    assert not ((got != want) & ~near_ties(torch_probs, slicing, affine)).any()
    record = json.loads((tmp_path / 'onnx' / scan.name.replace('.nii.gz', '.json')).read_text())
    assert record['preprocessing']['tta_mirror_axes'] == [0, 1]
    # the plain example leaves out the JPEG round trip and approximates OpenCV's resize
    plain = run_without(OPENMMLAB, synapse_onnx, scan, tmp_path / 'plain.nii.gz',
                        script='demo/onnx_plain.py')  # fmt: skip
    assert plain.returncode == 0, plain.stderr[-3000:]
    plain_labels = labels(tmp_path / 'plain.nii.gz')
    plain_torch = run_tool('tools/predict.py', phantom_model['config'],
                           phantom_model['checkpoint'], scan, '--out-dir', tmp_path / 'plain_torch',
                           '--no-progress')  # fmt: skip
    assert plain_torch.returncode == 0
    agree = (plain_labels == labels(tmp_path / 'plain_torch' / scan.name)).mean()
    assert agree > 0.995, agree


def test_what_the_onnx_model_cannot_do_is_one_line(plan_onnx, decathlon_model, tmp_path,
                                                   capsys, monkeypatch):  # fmt: skip
    import onnx

    scan = next((decathlon_model['raw'] / 'imagesTs').glob('*.nii.gz'))
    proto = onnx.load(plan_onnx)
    kept = [p for p in proto.metadata_props if p.key != 'slicing']
    del proto.metadata_props[:]
    proto.metadata_props.extend(kept)
    onnx.save(proto, tmp_path / 'old.onnx')
    for model, extra, words in (
        (plan_onnx, ('--tta', 'flip'), ('mirrors along no axis', 'export a model trained with')),
        (tmp_path / 'old.onnx', (), ('lacks the metadata slicing', 'export it again')),
        (plan_onnx, ('--device', 'cuda'), ('needs its CUDA execution provider',)),
    ):
        run = run_tool_in_process(
            'tools/predict.py', '--backend', 'onnxruntime', '--onnx', model, scan, '--out-dir',
            tmp_path / 'x', *extra, capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert_one_line_error(run, *words)
        assert not (tmp_path / 'x').exists()
    # the command line of earlier versions (config and checkpoint first) still runs
    run = run_tool_in_process(
        'tools/predict.py', decathlon_model['config'], decathlon_model['checkpoint'], scan,
        '--backend', 'onnxruntime', '--onnx', plan_onnx, '--out-dir', tmp_path / 'y',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert run.returncode == 0 and 'are not read' in run.stderr
    assert (tmp_path / 'y' / scan.name).is_file()


@pytest.mark.slow
@pytest.mark.kernels
def test_a_fresh_environment_of_numpy_nibabel_and_onnxruntime_runs_it(
    decathlon_model, plan_onnx, tmp_path
):
    """``pip install numpy nibabel onnxruntime`` in a new venv, this repo on PYTHONPATH."""
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True, timeout=300)
    python = venv / 'bin' / 'python'
    subprocess.run([str(python), '-m', 'pip', 'install', '-q', 'numpy', 'nibabel', 'onnxruntime'],
                   check=True, timeout=600)  # fmt: skip
    listed = subprocess.run([str(python), '-m', 'pip', 'list'], capture_output=True, text=True)
    assert not {'torch', 'mmsegmentation', 'mmengine', 'mmcv', 'opencv-python'} & {
        line.split()[0].lower() for line in listed.stdout.splitlines()[2:]
    }
    raw = decathlon_model['raw']
    scan = sorted((raw / 'imagesTs').glob('*.nii.gz'))[0]
    env = {'PYTHONPATH': str(REPO), 'PATH': '/usr/bin:/bin'}
    run = subprocess.run(
        [str(python), 'tools/predict.py', '--backend', 'onnxruntime', '--onnx', plan_onnx,
         str(scan), '--out-dir', str(tmp_path / 'out'), '--no-progress'],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    plain = subprocess.run(
        [str(python), 'demo/onnx_plain.py', plan_onnx, str(scan), str(tmp_path / 'plain.nii.gz')],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr[-3000:]
    torch_run = run_tool('tools/predict.py', decathlon_model['config'],
                         decathlon_model['checkpoint'], scan, '--out-dir', tmp_path / 'torch',
                         '--no-progress')  # fmt: skip
    want = labels(tmp_path / 'torch' / scan.name)
    assert torch_run.returncode == 0
    assert (labels(tmp_path / 'out' / scan.name) == want).mean() > 0.999
    assert (labels(tmp_path / 'plain.nii.gz') == want).mean() > 0.999
