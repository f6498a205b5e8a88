"""nnU-Net's ``ignore`` label through tools/dataset_converters/decathlon.py: kept out of the
classes, stored as 255 (outside the loss and the metric), or refused in one line."""

import json
import shutil

import nibabel as nib
import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from tests.helpers.tools import assert_one_line_error, run_tool_in_process

TOOL = 'tools/dataset_converters/decathlon.py'
IGNORE = 3


@pytest.fixture
def nnunet_with_ignore(nnunet_raw, tmp_path):
    """The nnU-Net phantom with a block of PANC_001 (background and organ) marked ``ignore``."""
    root = tmp_path / 'Dataset099_PancreasPhantom'
    shutil.copytree(nnunet_raw, root)
    meta = json.loads((root / 'dataset.json').read_text())
    meta['labels'] = dict(meta['labels'], ignore=IGNORE)
    (root / 'dataset.json').write_text(json.dumps(meta))
    path = root / 'labelsTr' / 'PANC_001.nii.gz'
    original = nib.load(path)
    label = np.asarray(original.dataobj).copy()
    organ = np.argwhere(label == 1)
    centre = organ[len(organ) // 2]
    block = tuple(slice(max(c - 6, 0), c + 6) for c in centre)
    label[block] = IGNORE
    nib.save(nib.Nifti1Image(label, original.affine), path)
    return root, int((label == IGNORE).sum())


def _convert(raw, capsys, monkeypatch):
    out = raw.parent / 'converted'
    run = run_tool_in_process(TOOL, raw, '--save-path', out, '--preset', 'cpu', '--num-folds', 3,
                              '--no-progress',
                              capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    return run, out


def test_the_ignore_label_is_no_class_and_its_voxels_are_255(
    nnunet_with_ignore, capsys, monkeypatch
):
    raw, ignored = nnunet_with_ignore
    run, out = _convert(raw, capsys, monkeypatch)
    assert run.returncode == 0, run.stderr
    record = json.loads((out / 'conversion.json').read_text())
    plan = record['volume_slices']
    assert plan['classes'] == ['background', 'pancreas', 'cancer']
    assert plan['label_values'] == [0, 1, 2] and plan['ignore_value'] == IGNORE
    assert 'ignore label' in record['reasons']['ignore']
    labels = np.stack([np.asarray(Image.open(p)) for p in sorted((out / 'ann_dir').glob('*.png'))])
    assert set(np.unique(labels).tolist()) == {0, 1, 2, 255}
    first = [np.asarray(Image.open(p)) for p in sorted((out / 'ann_dir').glob('PANC_001_*.png'))]
    assert int(sum((s == 255).sum() for s in first)) == ignored  # every voxel, no other
    for config in record['configs']:
        cfg = Config.fromfile(out / config)
        assert cfg.num_classes == 3 and cfg.metainfo.classes == ('background', 'pancreas', 'cancer')
        assert cfg.model.decode_head.get('ignore_index', 255) == 255  # the loss skips 255
        assert cfg.val_evaluator.get('ignore_index', 255) == 255  # so does the metric
        assert "nnU-Net's ignore label" in (out / config).read_text()


def test_an_ignore_label_below_a_class_is_refused(nnunet_raw, tmp_path, capsys, monkeypatch):
    raw = tmp_path / 'Dataset099_PancreasPhantom'
    shutil.copytree(nnunet_raw, raw)
    meta = json.loads((raw / 'dataset.json').read_text())
    meta['labels'] = {'background': 0, 'ignore': 1, 'cancer': 2}
    (raw / 'dataset.json').write_text(json.dumps(meta))
    run, out = _convert(raw, capsys, monkeypatch)
    assert_one_line_error(
        run, 'the "ignore" label has value 1', 'must be the highest label value (here 2)'
    )
    assert not out.exists()
