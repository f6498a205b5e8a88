"""demo/drive_demo.sh (the vessel quick start) end to end: tiny set, 2 iterations, both heads."""

import json
import re

import pytest
from mmengine.config import Config

from tests.helpers.fundus import make_fundus_zips
from tests.helpers.tools import assert_one_line_error, file_hashes, run_tool

TINY = {'ITERS': '2', 'NUM_TRAIN': '2', 'NUM_TEST': '1', 'SIZE': '64'}

RUNS = ('attn-unet-fcn', 'unet-fcn', 'attn-unet-fcn-sigmoid', 'unet-fcn-sigmoid')


@pytest.mark.slow
def test_demo_generates_converts_trains_tests_and_tabulates(tmp_path):
    work_dir = tmp_path / 'work'
    env = {**TINY, 'DEMO_DIR': str(tmp_path / 'demo'), 'SEED': '3', 'BINARY': '1'}
    result = run_tool('bash', 'demo/drive_demo.sh', work_dir, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert sorted(p.name for p in (tmp_path / 'demo').iterdir()) == ['DRIVE_phantom', 'fundus_zips']
    assert (tmp_path / 'demo/fundus_zips/training.zip').is_file()
    assert (tmp_path / 'demo/DRIVE_phantom/annotations/validation/01_manual1.png').is_file()
    for run in RUNS:
        row = re.search(rf'^{run} +([\d.]+) +([\d.]+) +([\d.]+) +([\d.na]+)$', output, re.M)
        assert row, output[-3000:]
        metrics = json.loads((work_dir / run / 'metrics.json').read_text())['metrics']
        assert float(row.group(1)) == pytest.approx(metrics['Dice_vessel'])
        assert (work_dir / run / 'last_checkpoint').read_text().endswith('iter_2.pth')
        dumped = Config.fromfile(next((work_dir / run).glob('*.py')))
        assert dumped.randomness.seed == 3
        assert dumped.model.decode_head.get('out_channels', 2) == (1 if 'sigmoid' in run else 2)


def test_a_given_zips_folder_with_one_zip_is_refused_and_never_written(tmp_path):
    zips = tmp_path / 'my_zips'
    make_fundus_zips(zips)
    (zips / 'test.zip').unlink()
    before = file_hashes(zips)
    env = {**TINY, 'ZIPS': str(zips), 'DEMO_DIR': str(tmp_path / 'demo')}
    result = run_tool('bash', 'demo/drive_demo.sh', tmp_path / 'work', env=env)
    assert_one_line_error(result, f'ZIPS={zips} holds no test.zip', '(ZIPS is only read)')
    assert file_hashes(zips) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['my_zips']


@pytest.mark.slow  # 25-45 s: a whole demo run; keeps the default suite under 15 min
def test_a_given_converted_set_is_used_as_it_is_and_never_written(tmp_path):
    from attn_unet.datasets.drive_convert import convert_drive
    from demo.synthetic import generate_fundus

    earlier = generate_fundus(tmp_path / 'earlier', 2, 1, 64, 64, seed=5)  # another set
    data = tmp_path / 'my_DRIVE'
    convert_drive(earlier['training'], earlier['test'], data)
    for folder, name in (('images', '{}.png'), ('annotations', '{}_manual1.png')):
        stale = (data / folder / 'training' / name.format(21)).read_bytes()
        (data / folder / 'training' / name.format(99)).write_bytes(stale)
    before = file_hashes(data)
    zips = tmp_path / 'my_zips'
    make_fundus_zips(zips)
    work_dir = tmp_path / 'work'
    env = {**TINY, 'ZIPS': str(zips), 'DATA': str(data), 'DEMO_DIR': str(tmp_path / 'demo')}
    result = run_tool('bash', 'demo/drive_demo.sh', work_dir, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert f'using the converted set in DATA={data} as it is' in result.stdout
    assert file_hashes(data) == before  # not converted over, stale file and all
    assert not (tmp_path / 'demo').exists()
    assert re.search(r'^attn-unet-fcn +[\d.]+', output, re.M), output[-3000:]
