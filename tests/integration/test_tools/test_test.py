"""tools/test.py: mIoU and metrics JSON, predictions with --out, images with --show-dir.

It takes a training checkpoint or a bare ``model.state_dict()`` file, as mmseg's test.py does.
"""

import json
import re

import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.tools import run_tool, run_tool_in_process


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


def test_raw_state_dict_scores_like_its_training_checkpoint(
    trained_run, tiny_data, tmp_path, capsys, monkeypatch
):
    # A file holding only model.state_dict(), as mmseg's own test.py accepts.
    full = torch.load(trained_run / 'iter_2.pth', map_location='cpu', weights_only=True)
    raw = tmp_path / 'raw_state_dict.pth'
    torch.save(full['state_dict'], raw)
    metrics = {}
    for name, checkpoint in (('full', trained_run / 'iter_2.pth'), ('raw', raw)):
        code, _, err = run_tool_in_process(
            'tools/test.py', MINI_ATTN_CONFIG, checkpoint, '--work-dir', tmp_path / name,
            '--out-metrics', tmp_path / f'{name}.json', '--cfg-options', *tiny_options(tiny_data),
            capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert code == 0, err[-3000:]
        metrics[name] = json.loads((tmp_path / f'{name}.json').read_text())['metrics']
    assert metrics['raw'] == metrics['full']


def _count_loads(monkeypatch, path) -> list:
    """Record every ``torch.load`` of ``path`` (by anyone: our checks, mmengine, mmseg)."""
    calls = []
    original = torch.load

    def load(f, *args, **kwargs):
        if str(f) == str(path):
            calls.append(f)
        return original(f, *args, **kwargs)

    monkeypatch.setattr(torch, 'load', load)
    return calls


def test_checkpoint_is_read_once(trained_run, tiny_data, tmp_path, capsys, monkeypatch):
    checkpoint = trained_run / 'iter_2.pth'
    calls = _count_loads(monkeypatch, checkpoint)
    code, _, err = run_tool_in_process(
        'tools/test.py', MINI_ATTN_CONFIG, checkpoint, '--work-dir', tmp_path,
        '--cfg-options', *tiny_options(tiny_data),
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err[-3000:]
    assert len(calls) == 1


def test_fast_path_folds_batch_norm_and_scores_like_fp32(
    trained_run, tiny_data, tmp_path, capsys, monkeypatch
):
    """--fast: BatchNorm folded, channels-last, bf16 where fast; fp32 within rounding."""
    metrics, logs = {}, {}
    for name, extra in (('plain', []), ('fast_fp32', ['test_cfg.dtype=float32']),
                        ('fast_bf16', ['test_cfg.dtype=bfloat16'])):  # fmt: skip
        fast = [] if name == 'plain' else ['--fast']
        code, out, err = run_tool_in_process(
            'tools/test.py', MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', *fast,
            '--work-dir', tmp_path / name, '--out-metrics', tmp_path / f'{name}.json',
            '--cfg-options', *tiny_options(tiny_data), *extra,
            capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert code == 0, err[-3000:]
        metrics[name] = json.loads((tmp_path / f'{name}.json').read_text())['metrics']
        logs[name] = out + err
    assert re.search(r'fast test: (\d+) BatchNorm layers folded .*, fp32', logs['fast_fp32'])
    assert 'bf16 autocast' in logs['fast_bf16'] and 'fast test' not in logs['plain']
    for key in ('aAcc', 'mIoU', 'mAcc'):
        # folding and channels-last compute the same function: equal to rounding
        assert abs(metrics['fast_fp32'][key] - metrics['plain'][key]) <= 0.02, key
        # bf16 differs where a 2-iteration model's classes are near ties; its agreement
        # with fp32 is measured on real scenes by benchmarks/train_throughput.py
        assert 0 <= metrics['fast_bf16'][key] <= 100, key


def test_a_class_the_model_never_predicts_is_warned_about(
    trained_run, tiny_data, tmp_path, capsys, monkeypatch
):
    # a model forced to predict one class: 'road' wins every pixel by its bias
    checkpoint = torch.load(trained_run / 'iter_2.pth', map_location='cpu', weights_only=True)
    checkpoint['state_dict']['decode_head.conv_seg.bias'][0] = 1e4
    forced = tmp_path / 'road_everywhere.pth'
    torch.save(checkpoint, forced)
    code, out, err = run_tool_in_process(
        'tools/test.py', MINI_ATTN_CONFIG, forced, '--work-dir', tmp_path / 'work',
        '--cfg-options', *tiny_options(tiny_data),
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err[-3000:]
    pattern = r"test: the model predicts no '([^']+)' pixel on any of the 2 images"
    warned = re.findall(pattern, out + err)
    assert 'road' not in warned and 'sidewalk' in warned and 'car' in warned, (out + err)[-3000:]
