"""demo/drive_demo.sh (the vessel quick start) end to end: tiny set, 2 iterations, both heads."""

import json
import re

import pytest
from mmengine.config import Config

from tests.helpers.tools import run_tool

RUNS = ('attn-unet-fcn', 'unet-fcn', 'attn-unet-fcn-sigmoid', 'unet-fcn-sigmoid')


@pytest.mark.slow
def test_demo_generates_converts_trains_tests_and_tabulates(tmp_path):
    work_dir = tmp_path / 'work'
    env = {
        'DATA': str(tmp_path / 'DRIVE'),
        'ZIPS': str(tmp_path / 'zips'),
        'ITERS': '2',
        'SEED': '3',
        'BINARY': '1',
        'NUM_TRAIN': '2',
        'NUM_TEST': '1',
        'SIZE': '64',
    }
    result = run_tool('bash', 'demo/drive_demo.sh', work_dir, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert (tmp_path / 'zips/training.zip').is_file()
    assert (tmp_path / 'DRIVE/annotations/validation/01_manual1.png').is_file()
    for run in RUNS:
        row = re.search(rf'^{run} +([\d.]+) +([\d.]+) +([\d.]+) +([\d.na]+)$', output, re.M)
        assert row, output[-3000:]
        metrics = json.loads((work_dir / run / 'metrics.json').read_text())['metrics']
        assert float(row.group(1)) == pytest.approx(metrics['Dice_vessel'])
        assert (work_dir / run / 'last_checkpoint').read_text().endswith('iter_2.pth')
        dumped = Config.fromfile(next((work_dir / run).glob('*.py')))
        assert dumped.randomness.seed == 3
        assert dumped.model.decode_head.get('out_channels', 2) == (1 if 'sigmoid' in run else 2)
