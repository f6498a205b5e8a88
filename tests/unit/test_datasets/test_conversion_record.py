"""The record a converter leaves: read back as written, absent or damaged in one line."""

import pytest

from attn_unet.datasets.conversion_record import (
    RECORD_NAME,
    read_ct_slices,
    read_record,
    write_record,
)
from attn_unet.errors import DatasetLayoutError


def test_written_records_read_back(tmp_path):
    record = {'converter': 'synapse', 'ct_slices': {'context': 3, 'image_suffix': '.tiff'}}
    write_record(tmp_path, record)
    assert read_record(tmp_path) == record
    assert read_ct_slices(tmp_path) == record['ct_slices']
    assert [p.name for p in tmp_path.iterdir()] == [RECORD_NAME]  # no partial file left


def test_no_record_is_none(tmp_path):
    assert read_record(tmp_path) is None and read_ct_slices(tmp_path) is None
    assert read_record(None) is None and read_record(tmp_path / 'absent') is None
    write_record(tmp_path, {'converter': 'drive'})
    assert read_ct_slices(tmp_path) is None  # another converter's record says nothing of slices


@pytest.mark.parametrize(
    'text, message',
    [
        ('{not json', 'cannot read'),
        ('[1, 2]', 'is not the record of a converter'),
        ('{"converter": "synapse"}', 'has no ct_slices.context'),
    ],
)
def test_a_damaged_record_is_one_line(tmp_path, text, message):
    (tmp_path / RECORD_NAME).write_text(text)
    with pytest.raises(DatasetLayoutError, match=message) as info:
        read_ct_slices(tmp_path)
    assert '\n' not in str(info.value) and 'new folder' in str(info.value)
