"""What ``--continue`` counts as finished, and what it removes of a half-written case."""

import json

import nibabel as nib
import numpy as np
import pytest

from attn_unet.apis.predict.outputs import scan_outputs
from attn_unet.apis.predict.resume import earlier_outputs, remove_earlier
from attn_unet.errors import ToolError

SHAPE = (24, 20, 16)
SCAN = '/scans/case7.nii.gz'


def _labels(path, shape=SHAPE):
    ids = np.random.default_rng(0).integers(0, 9, shape, dtype=np.uint8)  # gzip cannot shrink it
    nib.save(nib.Nifti1Image(ids, np.eye(4)), path)


def _record(path, **changes):
    record = dict(scan=SCAN, statistics={'classes': {}})
    record.update(changes)
    path.write_text(json.dumps(record))


def _complete(outputs):
    _labels(outputs.labels)
    _record(outputs.record)


def _labels_only(outputs):
    _labels(outputs.labels)


def _another_scan(outputs):
    _complete(outputs)
    _record(outputs.record, scan='/scans/case8.nii.gz')


def _no_statistics(outputs):
    _complete(outputs)
    outputs.record.write_text(json.dumps(dict(scan=SCAN)))


def _bad_json(outputs):
    _complete(outputs)
    outputs.record.write_text('{"scan": ')


def _cut_labels(outputs):
    _complete(outputs)
    whole = outputs.labels.read_bytes()
    outputs.labels.write_bytes(whole[: len(whole) // 2])  # the header whole, the voxels cut


def _other_grid(outputs):
    _complete(outputs)
    _labels(outputs.labels, (24, 20, 15))


CASES = [
    # (what the earlier run left, complete, words of the reason)
    (_complete, True, None),
    (_labels_only, False, 'case7.json missing'),
    (_no_statistics, False, 'no statistics'),
    (_cut_labels, False, 'truncated or damaged'),
    (_other_grid, False, '(24, 20, 15), the scan (24, 20, 16)'),
]


@pytest.mark.parametrize('leave, complete, words', CASES)
def test_a_case_is_complete_only_when_every_output_checks(tmp_path, leave, complete, words):
    outputs = scan_outputs(str(tmp_path), 'case7')
    outputs = type(outputs)(**{k: tmp_path / v.split('/')[-1] for k, v in vars(outputs).items()
                               if v})  # fmt: skip
    leave(outputs)
    earlier = earlier_outputs(outputs, SCAN, SHAPE)
    assert earlier.complete is complete
    assert earlier.present  # something was left either way
    if complete:
        assert earlier.record['scan'] == SCAN and earlier.reason is None
    else:
        assert words in earlier.reason


def _labels_off_grid_alone(outputs):
    _labels(outputs.labels, (24, 20, 15))


@pytest.mark.parametrize(
    'leave, words',
    [
        (_another_scan, 'it is the record of /scans/case8.nii.gz'),
        (_bad_json, 'cannot be read as a record'),
        (_labels_off_grid_alone, '(24, 20, 15), the scan (24, 20, 16)'),
    ],
)
def test_a_file_continue_cannot_place_is_refused_not_removed(tmp_path, leave, words):
    outputs = scan_outputs(str(tmp_path), 'case7')
    leave(type(outputs)(**{k: tmp_path / v.split('/')[-1] for k, v in vars(outputs).items() if v}))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ToolError, match='is in the way of the outputs of /scans/case7.nii.gz') as e:
        earlier_outputs(outputs, SCAN, SHAPE)
    assert words in str(e.value) and 'move it away' in str(e.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_preview_asked_for_and_missing_makes_the_case_incomplete(tmp_path):
    outputs = scan_outputs(str(tmp_path), 'case7', preview=True)
    _labels(outputs.labels)
    _record(tmp_path / 'case7.json')
    earlier = earlier_outputs(outputs, SCAN, SHAPE)
    assert not earlier.complete and 'case7_preview.png missing' in earlier.reason


def test_nothing_left_is_a_case_not_begun(tmp_path):
    earlier = earlier_outputs(scan_outputs(str(tmp_path), 'case7'), SCAN, SHAPE)
    assert not earlier.complete and earlier.present == () and earlier.reason is None


def test_a_leftover_is_removed_record_first(tmp_path):
    outputs = scan_outputs(str(tmp_path), 'case7', preview=True)
    _labels(outputs.labels)
    _record(tmp_path / 'case7.json')
    earlier = earlier_outputs(outputs, SCAN, SHAPE)
    assert remove_earlier(earlier) == ['case7.json', 'case7.nii.gz']
    assert list(tmp_path.iterdir()) == []
