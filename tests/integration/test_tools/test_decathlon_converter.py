"""tools/dataset_converters/decathlon.py: bad raw input is one line, exit 2, and nothing written.

Each test damages a private copy of a generated raw phantom in one way and runs the tool as
users do (in this process, for speed): the run must end with exit code 2 and one ``error:``
line naming the problem, with no output folder (and no hidden staging folder) left behind.
"""

import json
import shutil

import nibabel as nib
import numpy as np
import pytest

from tests.helpers.tools import (
    assert_one_line_error,
    file_hashes,
    run_tool_in_process,
    tree_listing,
)

TOOL = 'tools/dataset_converters/decathlon.py'


@pytest.fixture
def nnunet_copy(nnunet_raw, tmp_path):
    root = tmp_path / 'Dataset099_PancreasPhantom'
    shutil.copytree(nnunet_raw, root)
    return root


def _convert(raw, capsys, monkeypatch, *extra):
    out = raw.parent / 'converted'
    run = run_tool_in_process(
        TOOL, raw, '--save-path', out, '--preset', 'cpu', '--no-progress', *extra,
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    return run, out


def _refused(raw, capsys, monkeypatch, *fragments):
    """The conversion of ``raw`` fails in one line with ``fragments``; nothing is written."""
    before = sorted(p.name for p in raw.parent.iterdir())
    run, out = _convert(raw, capsys, monkeypatch)
    assert_one_line_error(run, *fragments)
    assert not out.exists()
    assert sorted(p.name for p in raw.parent.iterdir()) == before  # no staging folder either


def _meta(raw) -> dict:
    return json.loads((raw / 'dataset.json').read_text())


def _write_meta(raw, meta) -> None:
    (raw / 'dataset.json').write_text(json.dumps(meta))


def _save_like(path, data, affine=None):
    original = nib.load(path)
    nib.save(nib.Nifti1Image(data, original.affine if affine is None else affine), path)


def test_a_good_raw_folder_converts(decathlon_copy, capsys, monkeypatch):
    run, out = _convert(decathlon_copy, capsys, monkeypatch)
    assert run.returncode == 0, run.stderr
    assert 'python3 tools/train.py' in run.stdout and (out / 'conversion.json').is_file()


def test_no_dataset_json(decathlon_copy, capsys, monkeypatch):
    (decathlon_copy / 'dataset.json').unlink()
    _refused(decathlon_copy, capsys, monkeypatch, 'no dataset.json in', 'write one')


def test_an_unreadable_dataset_json(decathlon_copy, capsys, monkeypatch):
    (decathlon_copy / 'dataset.json').write_text('{"labels": {"0": "background",')
    _refused(decathlon_copy, capsys, monkeypatch, 'cannot read', 'dataset.json', 'fix the JSON')


def test_a_listed_file_is_missing(decathlon_copy, capsys, monkeypatch):
    (decathlon_copy / 'imagesTr' / 'pancreas_002.nii.gz').unlink()
    _refused(
        decathlon_copy, capsys, monkeypatch,
        'lists ./imagesTr/pancreas_002.nii.gz in "training"', 'is missing', 'restore the file',
    )  # fmt: skip


def test_a_file_that_is_not_listed(decathlon_copy, capsys, monkeypatch):
    shutil.copy(
        decathlon_copy / 'labelsTr' / 'pancreas_001.nii.gz',
        decathlon_copy / 'labelsTr' / 'pancreas_099.nii.gz',
    )
    _refused(
        decathlon_copy, capsys, monkeypatch,
        'labelsTr/pancreas_099.nii.gz', 'is not one of the training cases dataset.json lists',
    )  # fmt: skip


def test_an_image_and_label_of_different_shapes(decathlon_copy, capsys, monkeypatch):
    path = decathlon_copy / 'labelsTr' / 'pancreas_003.nii.gz'
    _save_like(path, np.asarray(nib.load(path).dataobj)[:, :, :-2])
    _refused(
        decathlon_copy, capsys, monkeypatch,
        'case pancreas_003: image', 'has shape', 'the label must be drawn on the image grid',
    )  # fmt: skip


def test_an_image_and_label_with_different_affines(decathlon_copy, capsys, monkeypatch):
    path = decathlon_copy / 'labelsTr' / 'pancreas_004.nii.gz'
    label = nib.load(path)
    shifted = label.affine.copy()
    shifted[0, 3] += 5.0  # drawn 5 mm off
    _save_like(path, np.asarray(label.dataobj), shifted)
    _refused(
        decathlon_copy, capsys, monkeypatch,
        'case pancreas_004', 'different affines (up to 5 mm apart)', 'resample the label',
    )  # fmt: skip


def test_a_label_value_dataset_json_does_not_name(decathlon_copy, capsys, monkeypatch):
    path = decathlon_copy / 'labelsTr' / 'pancreas_002.nii.gz'
    label = np.asarray(nib.load(path).dataobj).copy()
    label[label == 2] = 3
    _save_like(path, label)
    _refused(
        decathlon_copy, capsys, monkeypatch,
        'case pancreas_002: label pancreas_002.nii.gz holds value 3',
        'does not name (0 background, 1 pancreas, 2 cancer)',
    )  # fmt: skip


def test_a_label_with_non_integer_values(decathlon_copy, capsys, monkeypatch):
    path = decathlon_copy / 'labelsTr' / 'pancreas_001.nii.gz'
    label = np.asarray(nib.load(path).dataobj).astype(np.float32)
    label[label == 1] = 0.5  # an interpolated label
    _save_like(path, label)
    _refused(decathlon_copy, capsys, monkeypatch, 'holds 0.5, not a whole number')


def test_a_4d_label(decathlon_copy, capsys, monkeypatch):
    path = decathlon_copy / 'labelsTr' / 'pancreas_001.nii.gz'
    label = np.asarray(nib.load(path).dataobj)
    _save_like(path, np.stack([label == 1, label == 2], axis=-1).astype(np.uint8))
    _refused(decathlon_copy, capsys, monkeypatch, 'case pancreas_001: label', 'not one 3D map')


def test_a_truncated_volume(decathlon_copy, capsys, monkeypatch):
    path = decathlon_copy / 'imagesTr' / 'pancreas_005.nii.gz'
    path.write_bytes(path.read_bytes()[:-3000])
    _refused(decathlon_copy, capsys, monkeypatch, 'case pancreas_005', 'truncated or damaged')


def test_channel_files_missing_for_one_case(nnunet_copy, capsys, monkeypatch):
    (nnunet_copy / 'imagesTr' / 'PANC_002_0001.nii.gz').unlink()
    _refused(
        nnunet_copy, capsys, monkeypatch,
        'case PANC_002 has no channel 1 file imagesTr/PANC_002_0001.nii.gz',
        'channel_names names 2 channel(s)',
    )  # fmt: skip


def test_region_based_labels(nnunet_copy, capsys, monkeypatch):
    meta = _meta(nnunet_copy)
    _write_meta(nnunet_copy, dict(meta, labels={'background': 0, 'pancreas': [1, 2], 'cancer': 2}))
    _refused(
        nnunet_copy, capsys, monkeypatch, "label 'pancreas' is a region ([1, 2])",
        'one class per label value',
    )  # fmt: skip


def test_an_empty_training_list(decathlon_copy, capsys, monkeypatch):
    for folder in ('imagesTr', 'labelsTr'):
        shutil.rmtree(decathlon_copy / folder)
    _write_meta(decathlon_copy, dict(_meta(decathlon_copy), training=[], numTraining=0))
    _refused(decathlon_copy, capsys, monkeypatch, 'lists no training case')


def test_an_output_folder_that_holds_something_else(decathlon_copy, capsys, monkeypatch):
    out = decathlon_copy.parent / 'converted'
    out.mkdir()
    (out / 'notes.txt').write_text('mine')
    before = tree_listing(out), file_hashes(decathlon_copy)
    run, _ = _convert(decathlon_copy, capsys, monkeypatch)
    assert_one_line_error(run, f'--save-path {out} holds files but no conversion.json')
    assert (tree_listing(out), file_hashes(decathlon_copy)) == before
    assert sorted(p.name for p in decathlon_copy.parent.iterdir()) == [
        'Task99_PancreasPhantom',
        'converted',
    ]
