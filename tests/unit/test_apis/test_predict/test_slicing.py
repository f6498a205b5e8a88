"""A checkpoint's slicing comes from its meta, read without loading its weights."""

import pytest
import torch

from attn_unet import checkpoints
from attn_unet.apis.predict import (
    PlanSlicing,
    PredictOptions,
    SynapseSlicing,
    checkpoint_dataset_meta,
    slicing_for,
)
from attn_unet.errors import CheckpointError, ToolError

PLAN = dict(view='axial', channels=[dict(name='T2', norm='zscore')], label_values=[0, 1],
            classes=['background', 'prostate'])  # fmt: skip


def _save(path, meta):
    torch.save(dict(state_dict=dict(weight=torch.ones(3)), meta=meta), path)
    return str(path)


@pytest.fixture
def full_reads(monkeypatch):
    """How often the engine's loader (which reads every weight) was called."""
    calls = []
    real = checkpoints.load_checkpoint_file
    monkeypatch.setattr(checkpoints, 'load_checkpoint_file',
                        lambda *a, **k: calls.append(a) or real(*a, **k))  # fmt: skip
    return calls


@pytest.mark.parametrize(
    'meta, kind',
    [
        (dict(dataset_meta=dict(classes=['a'], volume_slices=PLAN)), PlanSlicing),  # Decathlon
        (dict(dataset_meta=dict(classes=['a'], ct_slices=dict(context=3))), SynapseSlicing),
        (dict(), SynapseSlicing),  # a 2D model
    ],
)
def test_the_slicing_comes_from_the_meta_without_a_full_read(tmp_path, full_reads, meta, kind):
    slicing = slicing_for(_save(tmp_path / 'model.pth', meta), PredictOptions('out'))
    assert isinstance(slicing, kind) and full_reads == []


def test_a_plan_reads_one_mr_series_and_refuses_synapse_options(tmp_path):
    slicing = slicing_for(_save(tmp_path / 'm.pth', dict(dataset_meta=dict(volume_slices=PLAN))),
                          PredictOptions('out'))  # fmt: skip
    assert slicing.modalities == ('T2',) and slicing.dicom_modalities == ('MR',)
    assert slicing.class_values() == {'background': 0, 'prostate': 1}
    for options, words in (
        (PredictOptions('out', orientation='PRS'), '--orientation is for checkpoints'),
        (PredictOptions('out', label_ids='btcv'), '--label-ids btcv maps the Synapse organs'),
    ):
        with pytest.raises(ToolError, match=words):
            slicing.check_options(options)


def test_a_bare_state_dict_has_no_meta(tmp_path, full_reads):
    torch.save(dict(weight=torch.ones(3)), tmp_path / 'bare.pth')
    assert checkpoint_dataset_meta(str(tmp_path / 'bare.pth')) == {}


@pytest.mark.parametrize('damage', ['missing', 'truncated'])
def test_a_file_torch_cannot_map_is_refused_by_the_loader(tmp_path, full_reads, damage):
    path = tmp_path / 'model.pth'
    if damage == 'truncated':
        data = open(_save(path, {}), 'rb').read()
        path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match='model.pth'):
        checkpoint_dataset_meta(str(path))
    assert len(full_reads) == 1
