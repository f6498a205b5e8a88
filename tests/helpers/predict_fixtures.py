"""A Synapse phantom model trained once for every predictor test (NIfTI, DICOM, images)."""

from pathlib import Path

import pytest

from demo.synthetic import generate_ct_phantom

from .synapse_runs import PHANTOM_ATTN_CONFIG, train_phantom
from .tools import run_tool_in_process

SIZE, SLICES, ITERS = 64, 8, 300


@pytest.fixture(scope='session')
def phantom_model(tmp_path_factory):
    """A phantom (2 train, 2 val cases), converted, and a model trained on it until the liver.

    Returns:
        ``dict(root, raw, config, checkpoint, val)``: ``config`` is the config the run
        dumped, ``val`` the validation case ids (``'0001'``, ...).
    """
    from attn_unet.datasets.synapse_convert import convert_synapse

    root = tmp_path_factory.mktemp('predict')
    raw = generate_ct_phantom(root / 'raw', 2, 2, SLICES, (SIZE, SIZE), seed=3, progress=False)
    convert_synapse(raw, root / 'converted', progress=False)
    checkpoint = train_phantom(PHANTOM_ATTN_CONFIG, root / 'converted', root / 'work', SIZE, ITERS)
    config = root / 'work' / Path(PHANTOM_ATTN_CONFIG).name  # the config the run dumped
    val_cases = [line[3:7] for line in (raw / 'val.txt').read_text().split()]
    return dict(root=root, raw=raw, config=config, checkpoint=checkpoint, val=val_cases)


def predict_in_process(model, *args, capsys, monkeypatch):
    """``tools/predict.py`` with ``model``'s config and checkpoint, in this process."""
    return run_tool_in_process(
        'tools/predict.py', model['config'], model['checkpoint'], *args, '--no-progress',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip


def read_labels(path) -> tuple:
    """``(voxels, nibabel image)`` of a written label volume."""
    import nibabel as nib
    import numpy as np

    image = nib.load(path)
    return np.asarray(image.dataobj), image
