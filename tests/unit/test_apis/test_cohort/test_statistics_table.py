"""StatisticsTable: one row per case, rows replaced rather than repeated, a foreign file refused."""

import csv

import numpy as np
import pytest

from attn_unet.apis.cohort import StatisticsTable, case_statistics, statistics_columns
from attn_unet.errors import ToolError

CLASSES = ['background', 'liver', 'spleen']


def _record(seed: int, spleen: bool = True) -> dict:
    rng = np.random.default_rng(seed)
    labels = (rng.random((10, 9, 8)) < 0.3).astype(np.uint8)
    if spleen:
        labels[rng.random(labels.shape) < 0.1] = 2
    image = rng.normal(50, 20, labels.shape)
    return case_statistics(labels, image, (0.8, 0.9, 3.0), CLASSES, unit='HU')


def _read(path):
    with open(path, newline='') as f:
        return list(csv.reader(f))


def test_columns_name_each_class_and_measure():
    assert statistics_columns(['liver', 'spleen']) == [
        'case',
        'liver_volume_ml', 'liver_mean', 'liver_median', 'liver_std',
        'spleen_volume_ml', 'spleen_mean', 'spleen_median', 'spleen_std',
    ]  # fmt: skip


def test_rows_hold_the_records_numbers(tmp_path):
    path = tmp_path / 'statistics.csv'
    table = StatisticsTable(str(path), ['liver', 'spleen'])
    records = {f'case_{i}': _record(i) for i in range(3)}
    for name, record in records.items():
        table.add(name, record)
    header, *rows = _read(path)
    assert header == table.columns
    assert [row[0] for row in rows] == list(records)
    for row in rows:
        cells = dict(zip(header, row))
        for name in ('liver', 'spleen'):
            for measure in ('volume_ml', 'mean', 'median', 'std'):
                expected = records[row[0]]['classes'][name][measure]
                assert float(cells[f'{name}_{measure}']) == pytest.approx(expected, rel=1e-9)


def test_an_absent_class_leaves_empty_intensity_cells(tmp_path):
    path = tmp_path / 'statistics.csv'
    StatisticsTable(str(path), ['liver', 'spleen']).add('c', _record(0, spleen=False))
    header, row = _read(path)
    cells = dict(zip(header, row))
    assert float(cells['spleen_volume_ml']) == 0.0
    assert cells['spleen_mean'] == cells['spleen_median'] == cells['spleen_std'] == ''


def test_a_later_run_continues_the_file_and_never_repeats_a_case(tmp_path):
    path = tmp_path / 'statistics.csv'
    first = StatisticsTable(str(path), ['liver', 'spleen'])
    for i in range(3):
        first.add(f'case_{i}', _record(i))
    # a later run (--continue): redoes case_1 with other numbers, adds case_3
    later = StatisticsTable(str(path), ['liver', 'spleen'])
    assert later.cases() == ['case_0', 'case_1', 'case_2']
    redone = _record(99)
    later.add('case_1', redone)
    later.add('case_3', _record(3))
    header, *rows = _read(path)
    assert [row[0] for row in rows] == ['case_0', 'case_1', 'case_2', 'case_3']
    cells = dict(zip(header, rows[1]))
    assert float(cells['liver_volume_ml']) == pytest.approx(redone['classes']['liver']['volume_ml'])


def test_a_record_read_back_from_json_gives_the_same_row(tmp_path):
    import json

    record = _record(5)
    direct, via_json = tmp_path / 'a.csv', tmp_path / 'b.csv'
    StatisticsTable(str(direct), ['liver', 'spleen']).add('c', record)
    StatisticsTable(str(via_json), ['liver', 'spleen']).add('c', json.loads(json.dumps(record)))
    assert direct.read_text() == via_json.read_text()


@pytest.mark.parametrize(
    'content',
    [
        'case,liver_volume_ml,liver_mean,liver_median,liver_std\nc,1,2,3,4\n',  # other classes
        'name,age\nbob,42\n',  # a file of the user's
        'case,liver_volume_ml\n',
    ],
)
def test_a_file_of_other_columns_is_refused_and_kept(tmp_path, content):
    path = tmp_path / 'statistics.csv'
    path.write_text(content)
    table = StatisticsTable(str(path), ['liver', 'spleen'])
    with pytest.raises(ToolError, match='is not a statistics table of these classes'):
        table.add('c', _record(0))
    with pytest.raises(ToolError, match='move it away'):
        table.cases()
    assert path.read_text() == content


def test_no_file_means_no_cases(tmp_path):
    assert StatisticsTable(str(tmp_path / 'statistics.csv'), ['liver']).cases() == []


def test_a_failed_write_keeps_the_rows_before_and_leaves_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / 'statistics.csv'
    table = StatisticsTable(str(path), ['liver', 'spleen'])
    table.add('case_0', _record(0))
    before = path.read_text()

    import attn_unet.apis.cohort.statistics_table as module

    class FullDisk:
        """A file whose every write fails as on a full disk."""

        def write(self, *a):
            raise OSError(28, 'No space left on device')

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

    monkeypatch.setattr(module, 'open', lambda p, mode='r', **k: (
        FullDisk() if 'w' in mode else open(p, mode, **k)), raising=False)  # fmt: skip
    with pytest.raises(OSError):
        table.add('case_1', _record(1))
    assert path.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['statistics.csv']
