"""demo/msd_demo.sh (your own dataset, on a Decathlon-layout phantom) end to end; its folders."""

import json
import re

import pytest
from mmengine.config import Config

from tests.helpers.tools import assert_one_line_error, file_hashes, run_tool

TINY = {'NUM_TRAIN': '5', 'NUM_TEST': '1', 'CROP': '64', 'BATCH': '2', 'ITERS': '2', 'SEED': '3'}


def _demo(work_dir, **env):
    return run_tool('bash', 'demo/msd_demo.sh', work_dir, env=env, timeout=1800)


@pytest.mark.slow  # ~70 s; test_decathlon_train_test_predict runs this path by default
def test_demo_converts_trains_both_tests_and_segments_imagests(tmp_path):
    work_dir = tmp_path / 'work'
    result = _demo(work_dir, **TINY, DEMO_DIR=str(tmp_path / 'demo'))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    for name in ('pancreas', 'cancer', 'mean'):
        row = re.search(rf'^{name} +([\d.na]+) +([\d.na]+) +([\d.na]+) +([\d.na]+)$', output, re.M)
        assert row, output[-3000:]
    # its own folders under DEMO_DIR, and nothing else there (no staging left)
    assert sorted(p.name for p in (tmp_path / 'demo').iterdir()) == [
        'msd_phantom',
        'msd_phantom_raw',
    ]
    record = json.loads((tmp_path / 'demo/msd_phantom/conversion.json').read_text())
    assert record['dataset']['test'] == ['pancreas_006'] and record['preset'] == 'cpu'
    for name in ('attn_unet', 'unet'):
        assert (work_dir / name / 'last_checkpoint').read_text().endswith('iter_2.pth')
        metrics = json.loads((work_dir / name / 'metrics.json').read_text())['metrics']
        assert {'nnunet/DSC.pancreas', 'nnunet/HD95_mm.cancer', 'nnunet/mDSC'} <= set(metrics)
        (val_case,) = record['splits']['folds'][0]['val']
        assert f'nnunet/{val_case}/DSC.pancreas' in metrics
        dumped = Config.fromfile(next((work_dir / name).glob('*.py')))
        assert dumped.randomness.seed == 3 and dumped.crop_size == (128, 128)
        assert dumped.train_dataloader.dataset.pipeline[2].crop_size == (64, 64)
        assert dumped.model.backbone.type == ('AttentionUNet' if name == 'attn_unet' else 'UNet')
    predicted = work_dir / 'predictions'
    assert sorted(p.name for p in predicted.iterdir()) == [
        'pancreas_006.json',
        'pancreas_006.nii.gz',
    ]


def test_a_raw_folder_without_dataset_json_is_refused_and_left_as_it_was(tmp_path):
    raw = tmp_path / 'my_raw'
    (raw / 'imagesTr').mkdir(parents=True)
    (raw / 'imagesTr' / 'case.nii.gz').write_bytes(b'not really')
    before = file_hashes(raw)
    result = _demo(tmp_path / 'work', RAW=str(raw), DATA=str(tmp_path / 'data'))
    assert_one_line_error(result, f'RAW={raw} holds no dataset.json')
    assert file_hashes(raw) == before and not (tmp_path / 'data').exists()
