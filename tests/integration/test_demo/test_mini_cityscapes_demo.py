"""demo/mini_cityscapes_demo.sh (the README quick start) end to end on a tiny data copy."""

import re
import shutil

import pytest
from mmengine.config import Config

from tests.helpers.tools import assert_one_line_error, file_hashes, run_tool


@pytest.mark.slow  # 25-45 s: a whole demo run; keeps the default suite under 15 min
def test_demo_trains_tests_and_prints_miou_on_a_given_set_it_never_writes(tiny_data, tmp_path):
    data = shutil.copytree(tiny_data, tmp_path / 'data')
    before = file_hashes(data)
    work_dir = tmp_path / 'work'
    env = {'DATA': str(data), 'ITERS': '2', 'SEED': '3', 'NPROC': '1'}
    result = run_tool('bash', 'demo/mini_cityscapes_demo.sh', work_dir, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    miou = re.search(r'mini Cityscapes val: mIoU ([\d.]+)', output)
    assert miou and 0.0 <= float(miou.group(1)) <= 100.0, output[-3000:]
    assert (work_dir / 'last_checkpoint').read_text().endswith('iter_2.pth')  # ITERS=2
    assert (work_dir / 'metrics.json').is_file()
    dumped = Config.fromfile(next(work_dir.glob('*.py')))
    assert dumped.randomness.seed == 3
    assert dumped.train_dataloader.dataset.data_root == str(data)
    assert file_hashes(data) == before

    # `make demo` again: the earlier run is set aside in the work dir, not refused, not lost
    again = run_tool('bash', 'demo/mini_cityscapes_demo.sh', work_dir, env=env)
    assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
    assert [p.name for p in work_dir.glob('replaced_*/iter_2.pth')] == ['iter_2.pth']
    assert (work_dir / 'last_checkpoint').read_text().endswith('iter_2.pth')


def test_a_given_folder_without_cityscapes_layout_is_refused_and_never_written(tmp_path):
    data = tmp_path / 'my_cityscapes'
    (data / 'gtFine').mkdir(parents=True)  # leftImg8bit/ not unzipped yet
    env = {'DATA': str(data), 'ITERS': '2', 'DEMO_DIR': str(tmp_path / 'demo')}
    result = run_tool('bash', 'demo/mini_cityscapes_demo.sh', tmp_path / 'work', env=env)
    assert_one_line_error(result, f'DATA={data} holds no leftImg8bit/ and gtFine/ folders')
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob('*'))] == [
        'my_cityscapes',
        'my_cityscapes/gtFine',
    ]
