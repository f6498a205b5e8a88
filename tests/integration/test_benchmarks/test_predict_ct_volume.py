"""benchmarks/predict_ct_volume.py: predict.py end to end per model and backend, with its peak
memory and, under --profile, where the time went."""

import json
import re

import pytest

from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process

TOOL = 'benchmarks/predict_ct_volume.py'
TINY = ['--size', '64', '--slices', '8', '--fit-slices', '6', '--base-channels', '4']


def _table(text):
    lines = text.strip().splitlines()
    return lines[0], [[c.strip() for c in line.strip('|').split('|')] for line in lines[2:]]


@pytest.mark.slow  # 25-45 s: a whole demo run; keeps the default suite under 15 min
def test_the_fitted_model_end_to_end_with_seconds_memory_and_phases(tmp_path):
    """The converter's path: a raw set fitted, its plan in the checkpoint, one profiled run."""
    from predict_ct_volume import COLUMNS, PHASES

    proc = run_tool(TOOL, *TINY, '--models', 'fitted', '--backends', 'eager', '--work-dir',
                    tmp_path / 'work', '--profile', tmp_path / 'prof', timeout=540)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    header, table, phases = proc.stdout.split('\n\n')
    assert re.search(r'64x64x8 CT phantom .* \d+ cores, library default threads', header)
    assert re.search(r'load average [\d.]+ before, [\d.]+ after \| target: under 60 s', header)
    head, rows = _table(table)
    assert head == '| ' + ' | '.join(COLUMNS) + ' |'
    assert [tuple(r[:2]) for r in rows] == [('fitted', 'eager')]
    for row in rows:
        seconds, cpu, gib = float(row[2]), float(row[3]), float(row[4])
        assert 0 < seconds < 600 and 0 < cpu and 0.05 < gib < 8  # torch alone holds > 50 MB
        assert row[6] in ('yes', 'no: time', 'no: memory', 'no: time, no: memory')
    head, rows = _table(phases)
    assert head == '| model | backend | ' + ' | '.join(PHASES) + ' | total (CPU s) |'
    for row in rows:
        parts, total = [float(c) for c in row[2:-1]], float(row[-1])
        # the phases add up, each rounded to 0.1 s as the total is
        assert sum(parts) == pytest.approx(total, abs=0.05 * (len(parts) + 1) + 1e-9)
        assert all(p >= 0 for p in parts)
        assert parts[PHASES.index('network')] > 0 and parts[PHASES.index('reading')] > 0
    # the fitted model is the converter's, and its checkpoint carries the plan
    assert "type='FusedDSVHead'" in (tmp_path / 'work' / 'fitted.py').read_text()
    record = json.loads((tmp_path / 'work' / 'out-fitted-eager' / 'ct_64x64x8.json').read_text())
    assert record['preprocessing']['view'] == 'axial'  # predicted through the converter's plan


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_every_model_on_every_backend(tmp_path):
    from predict_ct_volume import BACKENDS, MODELS

    proc = run_tool(TOOL, *TINY, '--work-dir', tmp_path / 'work', timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _, rows = _table(proc.stdout.split('\n\n')[1])
    assert [tuple(r[:2]) for r in rows] == [(m, b) for m in MODELS for b in BACKENDS]
    assert all(float(r[2]) > 0 and float(r[4]) > 0 for r in rows)


@pytest.mark.parametrize(
    'args, fragments',
    [
        (['--models', 'synapse,nnunet'], ['--models takes', 'synapse, fitted', 'nnunet']),
        (['--backends', 'tensorrt'], ['--backends takes', 'eager, fast, onnxruntime']),
        (['--slices', '0'], ['must be >= 1']),
    ],
)
def test_bad_input(capsys, monkeypatch, args, fragments):
    run = run_tool_in_process(TOOL, *TINY, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line_error(run, *fragments)
