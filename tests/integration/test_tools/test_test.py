"""tools/test.py: mIoU and metrics JSON, predictions with --out, images with --show-dir.

It takes a training checkpoint or a bare ``model.state_dict()`` file, as mmseg's test.py does.
"""

import json
import re

import numpy as np
import pytest
import torch
from PIL import Image

from attn_unet.deployment import class_agreement, pixel_differences
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


def _scene_logits(trained_run, tiny_data) -> dict:
    """Each val scene's logits ``(1, C, H, W)`` (at the scene's size, as tools/test.py sees
    them) from the plain model, and from its fast copies in fp32 and bf16, built here as
    ``--fast`` builds them: channels-last, then BatchNorm folded."""
    import argparse
    import copy

    from mmseg.apis import inference_model, init_model

    from attn_unet.apis import DictAction, load_config
    from attn_unet.models.utils import apply_memory_format, prepare_fast_inference

    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    options = parser.parse_args(['--cfg-options', *tiny_options(tiny_data)]).cfg_options
    plain = init_model(
        load_config(MINI_ATTN_CONFIG, options), str(trained_run / 'iter_2.pth'), device='cpu'
    )
    fast = apply_memory_format(copy.deepcopy(plain), 'channels_last')
    prepare_fast_inference(fast)
    scenes = sorted((tiny_data / 'leftImg8bit' / 'val').rglob('*.png'))
    logits = {}
    for name, model, dtype in (('plain', plain, None), ('fast_fp32', fast, None),
                               ('fast_bf16', fast, torch.bfloat16)):  # fmt: skip
        with torch.autocast('cpu', dtype=dtype or torch.bfloat16, enabled=dtype is not None):
            logits[name] = {
                scene.name: inference_model(model, str(scene)).seg_logits.data.float()[None]
                for scene in scenes
            }
    return logits


def _written(folder, scene: str):
    """The label map tools/test.py --out wrote for ``scene`` (a file name)."""
    (path,) = folder.rglob(scene)
    return path


@pytest.mark.kernels
def test_fast_path_folds_batch_norm_and_keeps_the_classes_away_from_near_ties(
    trained_run, tiny_data, tmp_path, capsys, monkeypatch
):
    """--fast: BatchNorm folded, channels-last, bf16 where fast. Its classes are the plain
    run's on every pixel that is no near tie of the plain logits (margin within twice that
    pixel's logit difference), in fp32 and in bf16; near ties are bounded."""
    logs = {}
    for name, extra in (('plain', []), ('fast_fp32', ['test_cfg.dtype=float32']),
                        ('fast_bf16', ['test_cfg.dtype=bfloat16'])):  # fmt: skip
        fast = [] if name == 'plain' else ['--fast']
        code, out, err = run_tool_in_process(
            'tools/test.py', MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', *fast,
            '--work-dir', tmp_path / name, '--out', tmp_path / name / 'pred',
            '--cfg-options', *tiny_options(tiny_data), *extra,
            capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert code == 0, err[-3000:]
        logs[name] = out + err
    assert re.search(r'fast test: (\d+) BatchNorm layers folded .*, fp32', logs['fast_fp32'])
    assert 'bf16 autocast' in logs['fast_bf16'] and 'fast test' not in logs['plain']
    logits = _scene_logits(trained_run, tiny_data)
    for scene, reference in logits['plain'].items():
        labels = {
            name: torch.from_numpy(
                np.asarray(Image.open(_written(tmp_path / name / 'pred', scene)))
            )
            for name in logs
        }
        assert torch.equal(labels['plain'], reference.argmax(1)[0])  # the same kernels and input
        # bf16 keeps 3 significant digits and a 2-iteration model's classes lie within 1e-3:
        # 7-30% of the pixels are near ties in bf16 (by the run's own weights), none in fp32.
        # A wrong fast path moves every logit: all pixels near ties, or decisive flips.
        for name, max_near_ties in (('fast_fp32', 0.01), ('fast_bf16', 0.5)):
            bound = pixel_differences(reference, logits[name][scene])
            agreement = class_agreement(reference, labels[name][None].long(), bound)
            assert agreement.holds(max_near_ties), f'{name} {scene}: {agreement.describe()}'


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
