"""statistics.csv under real processes: a kill -9 mid-run keeps whole rows only, and two
writers at once (the ranks of torchrun) lose none of each other's rows."""

import csv
import signal
import subprocess
import sys
import time

import pytest

from attn_unet.apis.cohort import StatisticsTable
from attn_unet.fileio import remove_leftovers
from tests.helpers.tools import REPO

CLASSES = [f'organ_{i}' for i in range(30)]

# Adds rows case_<start>... to the table at argv[1], printing each case once it is written.
WRITER = """
import sys
from attn_unet.apis.cohort import StatisticsTable
classes = [f'organ_{i}' for i in range(30)]
table = StatisticsTable(sys.argv[1], classes)
start, count = int(sys.argv[2]), int(sys.argv[3])
for n in range(start, start + count):
    stats = {name: dict(volume_ml=n + i / 7, mean=-n / 3, median=i * 1.5, std=None)
             for i, name in enumerate(classes)}
    table.add(f'case_{n:04d}', dict(classes=stats))
    print(f'case_{n:04d}', flush=True)
"""


def _writer(path, start, count):
    return subprocess.Popen(
        [sys.executable, '-c', WRITER, str(path), str(start), str(count)],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def _rows(path):
    with open(path, newline='') as f:
        header, *rows = list(csv.reader(f))
    assert header == StatisticsTable(str(path), CLASSES).columns
    return rows


def _assert_whole(row):
    n = int(row[0].split('_')[1])
    assert len(row) == 1 + 4 * len(CLASSES)
    for i in range(len(CLASSES)):
        volume, mean, median, std = row[1 + 4 * i : 5 + 4 * i]
        assert float(volume) == pytest.approx(n + i / 7, rel=1e-9)  # 10 digits written
        assert float(mean) == pytest.approx(-n / 3, rel=1e-9)
        assert float(median) == i * 1.5 and std == ''


def test_a_killed_writer_leaves_whole_rows_and_a_later_run_completes_them(tmp_path):
    path = tmp_path / 'statistics.csv'
    writer = _writer(path, 0, 100000)
    written = []
    try:
        while len(written) < 40:
            line = writer.stdout.readline()
            assert line, 'the writer stopped before it was killed'
            written.append(line.strip())
        time.sleep(0.013)  # somewhere inside a later row's write
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=60)
    rows = _rows(path)
    cases = [row[0] for row in rows]
    assert cases[: len(written)] == written  # every row reported written is there
    assert cases == [f'case_{n:04d}' for n in range(len(cases))]  # in order, none twice
    for row in rows:
        _assert_whole(row)
    # what the kill left under a partial name is a leftover the next run removes
    remove_leftovers(str(tmp_path), lambda final: final.endswith('.csv'))
    assert [p.name for p in tmp_path.iterdir()] == ['statistics.csv']
    # the later run redoes from the last whole row on, and repeats none
    done = len(rows)
    again = _writer(path, done - 1, 3)
    assert again.wait(timeout=120) == 0
    rows = _rows(path)
    assert [row[0] for row in rows] == [f'case_{n:04d}' for n in range(done + 2)]


def test_two_writers_at_once_keep_every_row(tmp_path):
    path = tmp_path / 'statistics.csv'
    writers = [_writer(path, 0, 25), _writer(path, 1000, 25)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    rows = _rows(path)
    assert sorted(row[0] for row in rows) == sorted(
        [f'case_{n:04d}' for n in range(25)] + [f'case_{n:04d}' for n in range(1000, 1025)]
    )
    for row in rows:
        _assert_whole(row)
