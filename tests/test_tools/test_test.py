"""tools/test.py: mIoU and metrics JSON, predictions with --out, images with --show-dir."""

import json
import re

from .conftest import MINI_ATTN_CONFIG, run_tool, tiny_options


def test_test_reports_miou_writes_json_predictions_and_images(trained_run, tiny_data, tmp_path):
    out_dir, show_dir = tmp_path / 'preds', tmp_path / 'show'
    result = run_tool(
        'tools/test.py',
        MINI_ATTN_CONFIG,
        trained_run / 'iter_2.pth',
        '--work-dir',
        tmp_path / 'work',
        '--out',
        out_dir,
        '--show-dir',
        show_dir,
        '--cfg-options',
        *tiny_options(tiny_data),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert 'per class results' in output and '|      road     |' in output
    path = re.search(r'metrics written to (\S+)', output).group(1)
    record = json.loads(open(path).read())
    assert 0.0 <= record['metrics']['mIoU'] <= 100.0
    assert f'mIoU: {record["metrics"]["mIoU"]}' in output
    assert len(list(out_dir.rglob('*.png'))) == 2
    assert len(list((show_dir / 'vis_data' / 'vis_image').glob('test_*.png'))) == 2
    assert len(list((show_dir / 'attention').rglob('*.png'))) == 2
