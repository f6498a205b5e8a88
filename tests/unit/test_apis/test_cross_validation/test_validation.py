"""A fold's validation cases are predicted once per checkpoint: a rerun whose fold still ends
with the checkpoint that predicted them takes them as they are; a new checkpoint, or a folder
some of whose predictions are gone, predicts them again."""

import os

import pytest

from attn_unet.apis.cross_validation import ValidationCase, predict_validation
from attn_unet.apis.cross_validation import validation as validation_module
from attn_unet.checkpoints import FoldModel
from attn_unet.errors import ToolError

CASES = [ValidationCase(f'case_{k}', (f'raw/case_{k}_0000.nii.gz',), f'raw/case_{k}.nii.gz')
         for k in (1, 2)]  # fmt: skip


@pytest.fixture
def calls(monkeypatch):
    """Stands in for tools/predict.py's pipeline: writes each case's labels, records the call."""
    made = []

    def predict(config, checkpoint, images, options):
        made.append((checkpoint, list(images)))
        names = [c.case_id for c in CASES if c.images[0] in images]
        for name in names[: None if options.out_dir.endswith('validation') else 1]:
            with open(os.path.join(options.out_dir, f'{name}.nii.gz'), 'w') as f:
                f.write(checkpoint)
        return []

    monkeypatch.setattr(validation_module, 'predict', predict)
    return made


def _model(tmp_path, name='iter_6.pth', content=b'weights'):
    (tmp_path / name).write_bytes(content)
    return FoldModel(0, str(tmp_path / 'config.py'), str(tmp_path / name))


def test_predicted_once_per_checkpoint(tmp_path, calls):
    folder = tmp_path / 'validation'
    folder.mkdir()
    model = _model(tmp_path)
    written = predict_validation(model, CASES, str(folder), 'cpu', progress=False)
    assert written == {c.case_id: str(folder / f'{c.case_id}.nii.gz') for c in CASES}
    assert len(calls) == 1 and calls[0][1] == [c.images[0] for c in CASES]
    predict_validation(model, CASES, str(folder), 'cpu', progress=False)
    assert len(calls) == 1  # taken as they are
    (folder / 'case_2.nii.gz').unlink()
    predict_validation(model, CASES, str(folder), 'cpu', progress=False)
    assert len(calls) == 2  # one was gone
    newer = _model(tmp_path, 'iter_12.pth')
    predict_validation(newer, CASES, str(folder), 'cpu', progress=False)
    assert len(calls) == 3 and calls[-1][0] == newer.checkpoint
    assert (folder / 'case_1.nii.gz').read_text() == newer.checkpoint


def test_a_case_the_pipeline_did_not_write_stops_the_run(tmp_path, calls):
    folder = tmp_path / 'elsewhere'  # the stand-in writes one case only here
    folder.mkdir()
    with pytest.raises(ToolError, match=r'fold 0: no prediction .*case_2.nii.gz was written'):
        predict_validation(_model(tmp_path), CASES, str(folder), 'cpu', progress=False)
    assert not (folder / 'predicted_with.json').exists()
