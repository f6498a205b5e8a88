"""A Decathlon-layout set end to end: convert, train with the written config, test, predict.

A tiny model (8 base channels, 6 iterations) is trained with the config the converter wrote
for the generated phantom; ``tools/test.py`` scores the fold's validation case per volume,
and ``tools/predict.py`` segments scans as the converter prepared them: a training scan gets
exactly the labels ``tools/test.py`` predicted for its slices, in the scan's own voxel order
and with the dataset's own label values, and ``imagesTs`` comes out on each scan's grid. The
multi-channel path (nnU-Net channel files, a Decathlon 4D file) is checked on a 2-channel set.
"""

import json
import math

import nibabel as nib
import numpy as np
import pytest
import torch
from medpy.metric import binary
from PIL import Image

from attn_unet.slicing.case_slices import labels_on_scan_grid
from attn_unet.slicing.slice_plan import SlicePlan
from tests.helpers.decathlon_runs import TINY
from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process


@pytest.fixture(scope='module')
def trained(decathlon_model):
    return decathlon_model


def predict(model, *inputs, out_dir, capsys=None, monkeypatch=None):
    args = ('tools/predict.py', model['config'], model['checkpoint'], *inputs,
            '--out-dir', out_dir, '--no-progress')  # fmt: skip
    if capsys is None:
        return run_tool(*args)
    return run_tool_in_process(*args, capsys=capsys, monkeypatch=monkeypatch)


def _stack(paths) -> np.ndarray:
    return np.stack([np.asarray(Image.open(p)) for p in sorted(paths)])


def test_the_checkpoint_carries_the_plan(trained):
    meta = torch.load(trained['checkpoint'], weights_only=False)['meta']['dataset_meta']
    assert meta['volume_slices'] == trained['record']['volume_slices']
    assert tuple(meta['classes']) == ('background', 'pancreas', 'cancer')


def test_scored_per_volume_and_predicted_as_tested(trained, tmp_path, capsys, monkeypatch):
    tested = run_tool_in_process(
        'tools/test.py', trained['config'], trained['checkpoint'], '--work-dir', tmp_path / 't',
        '--out', tmp_path / 'slices', '--out-metrics', tmp_path / 'metrics.json',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stderr[-2000:]
    metrics = json.loads((tmp_path / 'metrics.json').read_text())['metrics']
    plan_record = trained['record']['volume_slices']
    plan = SlicePlan.from_record(plan_record)
    (case,) = trained['record']['splits']['folds'][0]['val']
    grid = plan_record['cases'][case]
    predicted = _stack((tmp_path / 'slices').glob(f'{case}_slice*.png'))
    gt = _stack((trained['converted'] / 'ann_dir').glob(f'{case}_slice*.png'))
    diagonal = math.sqrt(sum(((n - 1) * s) ** 2 for n, s in zip(grid['shape'], grid['spacing'])))
    # per class and case: medpy on the stacked volume, HD95 in mm from the recorded spacing
    for class_id, name in enumerate(plan.classes[1:], start=1):
        p, g = predicted == class_id, gt == class_id
        if p.any() and g.any():
            expected = 100 * binary.dc(p, g), binary.hd95(p, g, voxelspacing=grid['spacing'])
        else:
            expected = (0.0, diagonal) if p.any() or g.any() else (math.nan, math.nan)
        got = metrics[f'nnunet/{case}/DSC.{name}'], metrics[f'nnunet/{case}/HD95_mm.{name}']
        assert got == pytest.approx(expected, nan_ok=True), name
        assert metrics[f'nnunet/DSC.{name}'] == pytest.approx(expected[0], nan_ok=True)
    # the same case through predict.py: test.py's labels, on the scan's grid, dataset values
    scan_path = trained['raw'] / 'imagesTr' / f'{case}.nii.gz'
    result = predict(trained, scan_path, out_dir=tmp_path / 'p')  # as users run it
    assert result.returncode == 0, result.stderr[-2000:]
    scan = nib.load(scan_path)
    written = nib.load(tmp_path / 'p' / f'{case}.nii.gz')
    np.testing.assert_array_equal(written.affine, scan.affine)
    assert written.shape == scan.shape
    expected = labels_on_scan_grid(plan, predicted, scan.affine)
    np.testing.assert_array_equal(np.asarray(written.dataobj), expected)  # voxel for voxel
    record = json.loads((tmp_path / 'p' / f'{case}.json').read_text())
    assert record['classes'] == {'background': 0, 'pancreas': 1, 'cancer': 2}
    assert record['preprocessing']['orientation'] == 'LPS'
    assert record['preprocessing']['scan_orientation'] == grid['stored_orientation']


def test_imagests_is_segmented_on_each_scans_grid(trained, tmp_path, capsys, monkeypatch):
    run = predict(trained, trained['raw'] / 'imagesTs', out_dir=tmp_path / 'ts',
                  capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr
    for scan_path in sorted((trained['raw'] / 'imagesTs').glob('*.nii.gz')):
        scan = nib.load(scan_path)
        written = nib.load(tmp_path / 'ts' / scan_path.name)
        assert written.shape == scan.shape and np.array_equal(written.affine, scan.affine)
        assert set(np.unique(np.asarray(written.dataobj))) <= {0, 1, 2}


def test_options_and_inputs_the_checkpoint_does_not_take_are_refused(
    trained, tmp_path, capsys, monkeypatch
):
    scan = trained['raw'] / 'imagesTs'
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / 'slice.png')
    for inputs, extra, words in (
        ([scan], ['--label-ids', 'btcv'], "writes its dataset's own label values"),
        ([scan], ['--orientation', 'PRS'], 'puts every scan into its recorded order'),
        ([scan], ['--all-series'], '--all-series chooses among DICOM series, and no input is'),
        ([scan], ['--dicom-seg'], '--dicom-seg writes a DICOM Segmentation of a DICOM series'),
        ([tmp_path / 'slice.png'], [], 'is not a NIfTI scan (.nii, .nii.gz): this checkpoint'),
        # the converter's default (light) augmentation mirrors nothing: no mirrored TTA
        ([scan], ['--tta', 'flip'], 'its training pipeline mirrors along no axis'),
    ):
        run = run_tool_in_process(
            'tools/predict.py', trained['config'], trained['checkpoint'], *inputs, '--out-dir',
            tmp_path / 'x', *extra, capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert_one_line_error(run, words)
        assert not (tmp_path / 'x').exists()


def test_test_py_tta_is_refused_for_a_model_trained_without_mirrors(
    trained, tmp_path, capsys, monkeypatch
):
    run = run_tool_in_process(
        'tools/test.py', trained['config'], trained['checkpoint'], '--work-dir', tmp_path / 't',
        '--tta', capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert_one_line_error(run, '--tta averages over the mirrors', 'mirrors along no axis')


def test_non_finite_voxels_are_refused_unless_allowed(trained, tmp_path, capsys, monkeypatch):
    source = next((trained['raw'] / 'imagesTs').glob('*.nii.gz'))
    image = nib.load(source)
    data = np.asarray(image.get_fdata(dtype=np.float32))
    data[3:5, 3:5, 2] = np.nan
    nib.save(nib.Nifti1Image(data, image.affine), tmp_path / 'nan_case.nii.gz')
    args = (tmp_path / 'nan_case.nii.gz',)
    run = predict(trained, *args, out_dir=tmp_path / 'out', capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line_error(run, 'nan_case.nii.gz has 4 of', 'voxels that are not finite', 'air')
    assert not (tmp_path / 'out').exists()  # the --out-dir it created is gone again
    run = run_tool_in_process(
        'tools/predict.py', trained['config'], trained['checkpoint'], *args, '--out-dir',
        tmp_path / 'out', '--allow-non-finite', '--no-progress', capsys=capsys,
        monkeypatch=monkeypatch,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert nib.load(tmp_path / 'out' / 'nan_case.nii.gz').shape == image.shape


@pytest.fixture(scope='module')
def two_channel(nnunet_raw, tmp_path_factory):
    """The 2-channel (CT, T2) nnU-Net phantom, converted, and an untrained tiny model of the
    config written for it, saved as a training run saves it (the plan in its meta)."""
    from attn_unet.apis import build_segmentor, load_config, parse_cfg_options
    from attn_unet.datasets.decathlon import ConvertOptions, convert_decathlon
    from attn_unet.registry import DATASETS

    root = tmp_path_factory.mktemp('nnunet_run')
    options = ConvertOptions(num_folds=3, preset='cpu')
    convert_decathlon(nnunet_raw, root / 'converted', options, progress=False)
    record = json.loads((root / 'converted' / 'conversion.json').read_text())
    cfg = load_config(str(root / 'converted' / record['configs'][0]), parse_cfg_options(TINY))
    cfg.dump(str(root / 'config.py'))
    torch.manual_seed(0)
    model = build_segmentor(cfg)
    metainfo = DATASETS.build(cfg.val_dataloader.dataset).metainfo
    meta = dict(dataset_meta={k: v for k, v in metainfo.items() if k != 'label_map'})
    torch.save(dict(state_dict=model.state_dict(), meta=meta), root / 'model.pth')
    return dict(raw=nnunet_raw, config=root / 'config.py', checkpoint=root / 'model.pth')


def test_channel_files_and_one_4d_file_are_one_case(two_channel, tmp_path, capsys, monkeypatch):
    raw = two_channel['raw']
    channels = [raw / 'imagesTs' / f'PANC_004_000{c}.nii.gz' for c in (0, 1)]
    run = predict(two_channel, *channels, out_dir=tmp_path / 'files',
                  capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr
    by_files = nib.load(tmp_path / 'files' / 'PANC_004.nii.gz')  # named as nnU-Net names it
    first = nib.load(channels[0])
    assert by_files.shape == first.shape and np.array_equal(by_files.affine, first.affine)
    # the same case as one Decathlon-style 4D file gives the same labels
    stacked = np.stack([np.asarray(nib.load(p).get_fdata(dtype=np.float32)) for p in channels], -1)
    nib.save(nib.Nifti1Image(stacked, first.affine), tmp_path / 'case4d.nii.gz')
    run = predict(two_channel, tmp_path / 'case4d.nii.gz', out_dir=tmp_path / 'stacked',
                  capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr
    np.testing.assert_array_equal(
        np.asarray(nib.load(tmp_path / 'stacked' / 'case4d.nii.gz').dataobj),
        np.asarray(by_files.dataobj),
    )
    # one channel file alone, or a 3D scan, does not feed a 2-channel model: one line each
    for inputs, words in (
        ([channels[0]], 'case PANC_004 lacks'),
        ([tmp_path / 'case4d.nii.gz', channels[0].parent / 'x.nii.gz'], 'does not exist'),
    ):
        run = predict(two_channel, *inputs, out_dir=tmp_path / 'bad',
                      capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
        assert_one_line_error(run, words)
        assert not (tmp_path / 'bad').exists()
