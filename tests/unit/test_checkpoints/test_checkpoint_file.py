"""Checkpoint files: read once and checked, fit to the model; the resume's fallback over a run's
folder (``attn_unet.engine.resume`` over ``attn_unet.checkpoints.run_folder``)."""

import argparse

import pytest
import torch
import torch.nn as nn

from attn_unet.checkpoints import check_state_dict_fits, load_checkpoint_file
from attn_unet.engine.resume import find_resume_checkpoint
from attn_unet.errors import CheckpointError


class _TinySegmentor(nn.Module):
    """A stand-in with a backbone (optionally gated) and a head."""

    def __init__(self, channels: int = 4, gates: bool = True) -> None:
        super().__init__()
        self.backbone = nn.Module()
        self.backbone.encoder = nn.Conv2d(3, channels, 3)
        if gates:
            self.backbone.attention_gates = nn.ModuleList([nn.Conv2d(channels, 1, 1)])
        self.decode_head = nn.Conv2d(channels, 2, 1)


def _training_checkpoint(model: nn.Module, step: int) -> dict:
    return dict(state_dict=model.state_dict(), optimizer={}, meta=dict(iter=step))


@pytest.mark.parametrize(
    'source_model, allow_fresh_gates, words',
    [
        (_TinySegmentor(), True, None),
        # The documented UNet -> AttentionUNet start: only the gates stay fresh.
        (_TinySegmentor(gates=False), True, None),
        (_TinySegmentor(gates=False), False, ['2 missing', 'backbone.attention_gates.0.weight']),
        (
            _TinySegmentor(channels=8, gates=False),
            True,
            ['mis-shaped', 'backbone.encoder.weight (8, 3, 3, 3) vs (4, 3, 3, 3)'],
        ),
    ],
)
def test_check_state_dict_fits(source_model, allow_fresh_gates, words):
    model = _TinySegmentor()
    state_dict = source_model.state_dict()
    if words is None:
        check_state_dict_fits(model, state_dict, 'x.pth', allow_fresh_gates=allow_fresh_gates)
        return
    with pytest.raises(CheckpointError) as info:
        check_state_dict_fits(model, state_dict, 'x.pth', allow_fresh_gates=allow_fresh_gates)
    message = str(info.value)
    assert '\n' not in message and 'x.pth' in message
    for word in words:
        assert word in message, message


def test_check_state_dict_fits_names_unexpected_and_partial_gates():
    model = _TinySegmentor()
    state_dict = {**model.state_dict(), 'neck.extra': torch.ones(1)}
    with pytest.raises(CheckpointError, match=r'1 unexpected \(neck.extra\)'):
        check_state_dict_fits(model, state_dict, 'x.pth')
    # Some gate keys present but others missing is not the UNet start: refused.
    model.backbone.attention_gates.append(nn.Conv2d(4, 1, 1))
    with pytest.raises(CheckpointError, match='attention_gates.1'):
        check_state_dict_fits(model, _TinySegmentor().state_dict(), 'x.pth')


def test_check_state_dict_fits_tolerates_missing_bn_counters():
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4))
    state_dict = {k: v for k, v in model.state_dict().items() if 'num_batches' not in k}
    check_state_dict_fits(model, state_dict, 'x.pth')
    del state_dict['1.running_mean']
    with pytest.raises(CheckpointError, match=r'1 missing \(1.running_mean\)'):
        check_state_dict_fits(model, state_dict, 'x.pth')


def test_check_state_dict_fits_strips_ddp_prefix():
    model = _TinySegmentor()
    wrapped = {f'module.{k}': v for k, v in model.state_dict().items()}
    check_state_dict_fits(model, dict(state_dict=wrapped), 'x.pth')


def test_load_checkpoint_file_takes_raw_state_dict_for_test_only(tmp_path):
    raw = tmp_path / 'raw.pth'
    torch.save(_TinySegmentor().state_dict(), raw)
    assert 'decode_head.weight' in load_checkpoint_file(str(raw), 'test')
    assert 'decode_head.weight' in load_checkpoint_file(str(raw), 'load_from')
    with pytest.raises(CheckpointError, match='lacks state_dict, optimizer, meta'):
        load_checkpoint_file(str(raw), 'resume', need_training_state=True)


def _work_dir(tmp_path, steps, pointer=None):
    for step in steps:
        torch.save(_training_checkpoint(_TinySegmentor(), step), tmp_path / f'iter_{step}.pth')
    if pointer is not None:
        (tmp_path / 'last_checkpoint').write_text(str(tmp_path / pointer))
    return tmp_path


def _truncate(path):
    path.write_bytes(path.read_bytes()[:200])


def test_find_resume_checkpoint_follows_last_checkpoint(tmp_path):
    work_dir = _work_dir(tmp_path, [2, 4], pointer='iter_2.pth')
    path, checkpoint, note = find_resume_checkpoint(str(work_dir))
    assert path == str(work_dir / 'iter_2.pth') and checkpoint['meta']['iter'] == 2
    assert note is None


@pytest.mark.parametrize(
    'pointer, damage, expected_step, words',
    [
        ('iter_6.pth', 'iter_6.pth', 4, ['iter_6.pth named by last_checkpoint does not load']),
        (None, None, 6, ['last_checkpoint is missing']),
        ('gone.pth', None, 6, ['gone.pth named by last_checkpoint']),
        (None, 'iter_6.pth', 4, ['last_checkpoint is missing']),
    ],
)
def test_find_resume_checkpoint_falls_back(tmp_path, pointer, damage, expected_step, words):
    work_dir = _work_dir(tmp_path, [2, 4, 6], pointer=pointer)
    if damage:
        _truncate(work_dir / damage)
    path, checkpoint, note = find_resume_checkpoint(str(work_dir))
    assert path == str(work_dir / f'iter_{expected_step}.pth')
    assert checkpoint['meta']['iter'] == expected_step
    assert '\n' not in note and f'resuming from the newest loadable {path}' in note
    for word in words:
        assert word in note


def test_find_resume_checkpoint_empty_or_all_damaged(tmp_path):
    assert find_resume_checkpoint(str(tmp_path)) == (None, None, None)
    work_dir = _work_dir(tmp_path, [2], pointer='iter_2.pth')
    _truncate(work_dir / 'iter_2.pth')
    with pytest.raises(CheckpointError, match='iter_2.pth is corrupt or truncated'):
        find_resume_checkpoint(str(work_dir))


def test_load_checkpoint_file_refuses_what_cannot_be_used(tmp_path):
    good = tmp_path / 'good.pth'
    torch.save(dict(state_dict={'w': torch.ones(1)}, optimizer={}, meta={}), good)
    load_checkpoint_file(str(good), need_training_state=True)
    weights_only = tmp_path / 'weights.pth'
    torch.save(dict(state_dict={'w': torch.ones(1)}), weights_only)
    load_checkpoint_file(str(weights_only))
    with pytest.raises(CheckpointError, match='lacks optimizer, meta'):
        load_checkpoint_file(str(weights_only), purpose='resume', need_training_state=True)
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(CheckpointError, match='corrupt or truncated'):
        load_checkpoint_file(str(truncated))
    with pytest.raises(CheckpointError, match='does not exist'):
        load_checkpoint_file(str(tmp_path / 'missing.pth'))


def test_load_checkpoint_file_names_a_folder_and_its_newest_checkpoint(tmp_path):
    _work_dir(tmp_path, [2, 10])
    with pytest.raises(CheckpointError) as info:
        load_checkpoint_file(str(tmp_path), 'test')
    message = str(info.value)
    assert 'is a folder, not a file' in message and str(tmp_path / 'iter_10.pth') in message
    assert 'does not exist' not in message


@pytest.mark.parametrize(
    'obj, words',
    [
        (_TinySegmentor(), ['whole pickled model', '_TinySegmentor', 'model.state_dict()']),
        (argparse.Namespace(lr=0.1), ['holds a pickled argparse.Namespace', 'only tensors']),
    ],
)
def test_load_checkpoint_file_names_pickled_objects(tmp_path, obj, words):
    path = tmp_path / 'pickled.pth'
    torch.save(obj, path)
    with pytest.raises(CheckpointError) as info:
        load_checkpoint_file(str(path), 'test')
    message = str(info.value)
    assert 'corrupt' not in message and '\x1b' not in message and '\n' not in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize('value, kind', [(float('nan'), 'nan'), (float('-inf'), 'inf')])
@pytest.mark.parametrize('raw', [False, True])
def test_load_checkpoint_file_refuses_non_finite_weights(tmp_path, value, kind, raw):
    model = _TinySegmentor()
    state_dict = model.state_dict()
    state_dict['decode_head.bias'][1] = value
    path = tmp_path / 'diverged.pth'
    torch.save(state_dict if raw else _training_checkpoint(model, 4), path)
    with pytest.raises(
        CheckpointError, match=f'non-finite weights \\(decode_head.bias holds {kind}'
    ):
        load_checkpoint_file(str(path), 'test')


def test_find_resume_checkpoint_passes_over_a_non_finite_one(tmp_path):
    work_dir = _work_dir(tmp_path, [2], pointer='iter_4.pth')
    model = _TinySegmentor()
    model.decode_head.weight.data.fill_(float('nan'))
    torch.save(_training_checkpoint(model, 4), work_dir / 'iter_4.pth')
    path, _, note = find_resume_checkpoint(str(work_dir))
    assert path == str(work_dir / 'iter_2.pth') and 'iter_4.pth' in note
