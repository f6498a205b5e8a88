"""checkpoint_slice_plan reads a checkpoint's meta without loading its weights."""

import pytest
import torch

from attn_unet.apis.predict import checkpoint_slice_plan
from attn_unet.engine import checkpoint as engine_checkpoint
from attn_unet.errors import CheckpointError

PLAN = dict(view='axial', channels=[dict(name='CT', kind='ct')])


def _save(path, meta):
    torch.save(dict(state_dict=dict(weight=torch.ones(3)), meta=meta), path)
    return str(path)


@pytest.fixture
def full_reads(monkeypatch):
    """How often the engine's loader (which reads every weight) was called."""
    calls = []
    real = engine_checkpoint.load_checkpoint_file
    monkeypatch.setattr(engine_checkpoint, 'load_checkpoint_file',
                        lambda *a, **k: calls.append(a) or real(*a, **k))  # fmt: skip
    return calls


@pytest.mark.parametrize(
    'meta, plan',
    [
        (dict(dataset_meta=dict(classes=['a'], volume_slices=PLAN)), PLAN),  # a Decathlon model
        (dict(dataset_meta=dict(classes=['a'])), None),  # a Synapse or 2D model
        (dict(), None),
    ],
)
def test_the_plan_comes_from_the_meta_without_a_full_read(tmp_path, full_reads, meta, plan):
    assert checkpoint_slice_plan(_save(tmp_path / 'model.pth', meta)) == plan
    assert full_reads == []


def test_a_bare_state_dict_has_no_plan(tmp_path, full_reads):
    torch.save(dict(weight=torch.ones(3)), tmp_path / 'bare.pth')
    assert checkpoint_slice_plan(str(tmp_path / 'bare.pth')) is None


@pytest.mark.parametrize('damage', ['missing', 'truncated'])
def test_a_file_torch_cannot_map_is_refused_by_the_loader(tmp_path, full_reads, damage):
    path = tmp_path / 'model.pth'
    if damage == 'truncated':
        data = open(_save(path, {}), 'rb').read()
        path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match='model.pth'):
        checkpoint_slice_plan(str(path))
    assert len(full_reads) == 1
