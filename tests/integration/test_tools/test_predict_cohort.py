"""tools/predict.py on a cohort: one bad file, one stopped run, the numbers and the pictures.

A generated cohort of 26 small CT scans with one truncated file and one scan holding NaN goes
through the tool: refused by default with every bad scan named; with ``--keep-going`` the
good ones are segmented, the run stopped (SIGTERM) halfway, a half-written case made by
hand, and ``--continue`` completes it, keeping the finished cases untouched. The summary,
``skipped.csv`` and ``statistics.csv`` are checked against volumes computed here from the
written labels and the scans; ``--preview`` PNGs and the ``--report`` page are opened (the
page in a real browser, as :mod:`tests.helpers.browser` provides it).
"""

import csv
import json
import os
import signal
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from PIL import Image

from demo.synthetic import render_ct_case
from tests.helpers.browser import open_page, png_width
from tests.helpers.tools import (
    assert_one_line_error,
    run_tool,
    run_tool_in_process,
    start_tool,
    wait_for_file,
)

GOOD = [f'case{i:02d}' for i in range(24)]
STOP = len(GOOD) // 2 + 1  # the run is stopped in this scan, halfway
BAD = {'case_nan': 'not finite', 'case_cut': 'truncated or damaged'}
SPACING = (1.5, 1.5, 4.0)


@pytest.fixture(scope='module')
def cohort(tmp_path_factory):
    """``GOOD`` CT scans (64x64x8, 1.5 x 1.5 x 4 mm), one with NaN voxels, one cut short."""
    folder = tmp_path_factory.mktemp('cohort')
    for seed, name in enumerate(GOOD + ['case_nan']):
        hu, _, _ = render_ct_case(np.random.default_rng(seed), (64, 64), 8, bowel_loops=4)
        hu = hu.astype(np.float32)
        if name == 'case_nan':
            hu[10:12, 10:12, 3] = np.nan
        nib.save(nib.Nifti1Image(hu, np.diag([*SPACING, 1.0])), folder / f'{name}.nii.gz')
    whole = (folder / f'{GOOD[0]}.nii.gz').read_bytes()
    (folder / 'case_cut.nii.gz').write_bytes(whole[: len(whole) // 2])
    return folder


@pytest.fixture
def restore_signals():
    """In-process runs end with SIGINT / SIGTERM ignored (the tool's way out): undo that."""
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)}
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # so that run_cli installs its handler
    yield
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def _predict(tiny, *args, capsys, monkeypatch):
    return run_tool_in_process(
        'tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'], *args, '--no-progress',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip


def _complete(out: Path, name: str, preview: bool = True) -> bool:
    files = [f'{name}.nii.gz', f'{name}.json'] + ([f'{name}_preview.png'] if preview else [])
    return all((out / f).is_file() for f in files)


def _expected_statistics(scan: Path, labels: Path, classes) -> dict:
    """Volume (ml) and HU mean / median / sd per class, computed here from the two files."""
    hu = np.asarray(nib.load(scan).get_fdata(dtype=np.float64))
    ids = np.asarray(nib.load(labels).dataobj)
    voxel_ml = float(np.prod(SPACING)) / 1000
    expected = {}
    for class_id, name in enumerate(classes):
        if class_id == 0:
            continue
        inside = hu[ids == class_id]
        inside = inside[np.isfinite(inside)]
        expected[name] = dict(
            volume_ml=np.count_nonzero(ids == class_id) * voxel_ml,
            mean=float(inside.mean()) if inside.size else None,
            median=float(np.median(inside)) if inside.size else None,
            std=float(inside.std()) if inside.size else None,
        )
    return expected


def _csv(path: Path) -> dict:
    with open(path, newline='') as f:
        return {row['case']: row for row in csv.DictReader(f)}


def _assert_statistics(out: Path, cohort: Path) -> None:
    """Every good case's record and statistics.csv row hold what this test computes."""
    table = _csv(out / 'statistics.csv')
    assert sorted(table) == GOOD
    classes = None
    for name in GOOD:
        record = json.loads((out / f'{name}.json').read_text())
        classes = classes or list(record['classes'])
        expected = _expected_statistics(cohort / f'{name}.nii.gz', out / f'{name}.nii.gz',
                                        classes)  # fmt: skip
        assert record['statistics']['intensity_unit'] == 'HU'
        assert sum(e['volume_ml'] for e in expected.values()) > 0  # some voxels were labelled
        for organ, measures in expected.items():
            for measure, value in measures.items():
                cell, stored = table[name][f'{organ}_{measure}'], \
                    record['statistics']['classes'][organ][measure]  # fmt: skip
                if value is None:
                    assert cell == '' and stored is None, (name, organ, measure)
                else:
                    assert float(cell) == pytest.approx(value, rel=1e-6, abs=1e-6)
                    assert stored == pytest.approx(value, rel=1e-6, abs=1e-6)


def test_every_bad_scan_is_named_and_the_run_refused(tiny, cohort, tmp_path, capsys, monkeypatch):
    run = _predict(tiny, cohort, '--out-dir', tmp_path / 'out', capsys=capsys,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, f'2 of {len(GOOD) + 2} volumes cannot be segmented', '--keep-going')
    refused = [line for line in run.stderr.splitlines() if line.startswith('refused: ')]
    assert len(refused) == 2  # all of them, not only the first
    assert 'case_cut.nii.gz' in refused[0] and BAD['case_cut'] in refused[0]
    assert 'case_nan.nii.gz' in refused[1] and BAD['case_nan'] in refused[1]
    assert not (tmp_path / 'out').exists()  # checked before any work: nothing written


def test_keep_going_and_continue_complete_the_cohort(
    tiny, cohort, tmp_path, capsys, monkeypatch, restore_signals
):
    from attn_unet.apis.predict import pipeline

    out = tmp_path / 'out'
    segment, calls = pipeline.segment_volume, []

    def stopped_halfway(*args, **kwargs):
        calls.append(1)
        if len(calls) == STOP:
            os.kill(os.getpid(), signal.SIGTERM)  # a real signal, in the middle of a scan
        return segment(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(pipeline, 'segment_volume', stopped_halfway)
        first = _predict(tiny, cohort, '--out-dir', out, '--keep-going', '--preview',
                         capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert first.returncode == 143, first.stderr[-2000:]
    finished = [name for name in GOOD if _complete(out, name)]
    assert finished == GOOD[: STOP - 1]
    assert sorted(_csv(out / 'statistics.csv')) == GOOD[: STOP - 1]  # written as cases finish
    # a run killed between a case's label volume and its record leaves it half written
    half = GOOD[STOP - 2]
    (out / f'{half}.json').unlink()
    kept = {name: (out / f'{name}.json').stat().st_mtime_ns for name in GOOD[: STOP - 2]}

    second = _predict(tiny, cohort, '--out-dir', out, '--keep-going', '--preview', '--continue',
                      capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert second.returncode == 1, second.stderr[-2000:]  # some were skipped
    assert 'Traceback' not in second.stderr
    redone = [line for line in second.stderr.splitlines() if 'left its outputs incomplete' in line]
    assert len(redone) == 1 and redone[0].startswith(f'{half}:'), second.stderr
    assert f'{half}.json missing' in redone[0] and f'{half}.nii.gz' in redone[0]
    assert second.stdout.strip().splitlines()[-1] == (
        f'{len(GOOD) - len(kept)} done, {len(kept)} complete before, 2 skipped, 0 failed (each '
        f'with its reason in '
        f'{out}/skipped.csv)'
    )
    assert all(_complete(out, name) for name in GOOD)
    assert {n: (out / f'{n}.json').stat().st_mtime_ns for n in kept} == kept  # untouched
    with open(out / 'skipped.csv', newline='') as f:
        skipped = list(csv.DictReader(f))
    assert [row['case'] for row in skipped] == ['case_cut', 'case_nan']
    for row in skipped:
        assert row['status'] == 'skipped' and BAD[row['case']] in row['reason']
    assert not any(name.startswith('case_cut') or name.startswith('case_nan')
                   for name in os.listdir(out))  # fmt: skip

    _assert_statistics(out, cohort)


def test_a_scan_failing_during_prediction_is_skipped_with_keep_going(
    tiny, cohort, tmp_path, capsys, monkeypatch
):
    from attn_unet.apis.predict import pipeline

    segment = pipeline.segment_volume

    def out_of_memory_on_the_second(volume, *args, **kwargs):
        if volume.stem == GOOD[1]:
            raise MemoryError('cannot allocate 2.1 GiB')
        return segment(volume, *args, **kwargs)

    monkeypatch.setattr(pipeline, 'segment_volume', out_of_memory_on_the_second)
    inputs = [cohort / f'{name}.nii.gz' for name in GOOD[:3]]
    run = _predict(tiny, *inputs, '--out-dir', tmp_path, '--keep-going', capsys=capsys,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 1 and 'Traceback' not in run.stderr, run.stderr[-2000:]
    assert f'failed: {GOOD[1]}: MemoryError during prediction' in run.stderr
    assert '2 done, 0 complete before, 0 skipped, 1 failed' in run.stdout
    with open(tmp_path / 'skipped.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [(r['case'], r['status']) for r in rows] == [(GOOD[1], 'failed')]
    assert 'cannot allocate' in rows[0]['reason']
    assert sorted(_csv(tmp_path / 'statistics.csv')) == [GOOD[0], GOOD[2]]


def test_previews_show_the_scan_and_the_labels_in_physical_proportions(
    tiny, cohort, tmp_path, capsys, monkeypatch
):
    scan = cohort / f'{GOOD[0]}.nii.gz'
    run = _predict(tiny, scan, '--out-dir', tmp_path, '--preview', capsys=capsys,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    picture = Image.open(tmp_path / f'{GOOD[0]}_preview.png')
    assert picture.format == 'PNG' and picture.mode == 'RGB'
    pixels = np.asarray(picture)
    # axial 96 x 96 mm, coronal and sagittal 32 mm tall: three panels side by side, wider
    # than tall; the labels coloured over a grey scan, so some pixels are not grey
    assert pixels.shape[1] > 2 * pixels.shape[0]
    coloured = (pixels.max(axis=2).astype(int) - pixels.min(axis=2)) > 30
    assert coloured.any()
    again = _predict(tiny, scan, '--out-dir', tmp_path, '--preview', capsys=capsys,
                     monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(again, f'{GOOD[0]}.nii.gz exists', '--overwrite')


def test_the_report_pages_through_the_run_in_a_browser(
    tiny, cohort, tmp_path, capsys, monkeypatch, browser
):
    run = _predict(tiny, cohort, '--out-dir', tmp_path, '--keep-going', '--preview', '--report',
                   capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 1, run.stderr[-2000:]
    open_page(browser, tmp_path / 'report.html')
    rows = browser.find_elements('css selector', '#cases tbody tr')
    assert sorted(r.get_attribute('data-case') for r in rows) == sorted(GOOD + list(BAD))
    by_case = {r.get_attribute('data-case'): r for r in rows}
    for name, words in BAD.items():
        row = by_case[name]
        assert row.find_element('css selector', 'td.status').text == 'skipped'
        assert words in row.find_element('css selector', 'td.notes').text
    nan_note = by_case['case_nan'].find_element('css selector', 'td.notes').text
    assert '--allow-non-finite' in nan_note  # the fix is on the page too
    images = browser.find_elements('css selector', '#cases td.preview img')
    assert len(images) == len(GOOD)
    for image in images:
        browser.execute_script('arguments[0].scrollIntoView()', image)
        natural = browser.execute_script('return arguments[0].naturalWidth', image)
        assert natural == png_width(tmp_path / f'{GOOD[0]}_preview.png')  # all one size
    shot = tmp_path / 'report_screenshot.png'
    assert browser.save_screenshot(str(shot))
    print(f"screenshot of the tool's report.html: {shot}")


def test_continue_and_overwrite_exclude_each_other(tiny, cohort, tmp_path, capsys, monkeypatch):
    run = _predict(tiny, cohort / f'{GOOD[0]}.nii.gz', '--out-dir', tmp_path, '--continue',
                   '--overwrite', capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, '--continue', '--overwrite')
    assert os.listdir(tmp_path) == []


def test_a_run_killed_with_sigkill_anywhere_is_completed_by_continue(tiny, cohort, tmp_path):
    out = tmp_path / 'out'
    args = ('tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'], cohort, '--out-dir',
            out, '--keep-going', '--no-progress')  # fmt: skip
    killed = start_tool(*args)
    try:
        wait_for_file(out / f'{GOOD[len(GOOD) // 2]}.json', killed)
    finally:
        killed.kill()  # kill -9: no cleanup, wherever it is in the next case
        killed.wait()
    assert not all(_complete(out, name, preview=False) for name in GOOD)
    resumed = run_tool(*args, '--continue')
    assert resumed.returncode == 1, resumed.stderr[-2000:]  # the two bad scans
    assert 'Traceback' not in resumed.stderr
    assert all(_complete(out, name, preview=False) for name in GOOD)
    assert not [name for name in os.listdir(out) if name.startswith('.')]  # no partial file
    _assert_statistics(out, cohort)


def test_continue_counts_the_probability_files_among_a_cases_outputs(
    tiny, cohort, tmp_path, capsys, monkeypatch
):
    inputs = [cohort / f'{name}.nii.gz' for name in GOOD[:2]]
    first = _predict(tiny, *inputs, '--out-dir', tmp_path, '--save-probabilities',
                     '--probability-format', 'npz', capsys=capsys,
                     monkeypatch=monkeypatch)  # fmt: skip
    assert first.returncode == 0, first.stderr[-2000:]
    (tmp_path / f'{GOOD[1]}.npz').unlink()  # the probabilities of the second case lost
    kept = (tmp_path / f'{GOOD[0]}.json').stat().st_mtime_ns
    again = _predict(tiny, *inputs, '--out-dir', tmp_path, '--save-probabilities',
                     '--probability-format', 'npz', '--continue', capsys=capsys,
                     monkeypatch=monkeypatch)  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    assert f'{GOOD[1]}: an earlier run left its outputs incomplete ({GOOD[1]}.npz missing)' in (
        again.stderr
    )
    assert '1 done, 1 complete before, 0 skipped, 0 failed' in again.stdout
    assert (tmp_path / f'{GOOD[1]}.npz').is_file()
    assert (tmp_path / f'{GOOD[0]}.json').stat().st_mtime_ns == kept


def test_an_unreadable_dicom_folder_is_named_and_skipped_with_keep_going(
    tiny, cohort, tmp_path, capsys, monkeypatch
):
    export = tmp_path / 'export'
    export.mkdir()
    # a DICOM preamble, then bytes that parse into no SeriesInstanceUID: not groupable
    (export / 'IM0001').write_bytes(b'\0' * 128 + b'DICM' + bytes(range(256)) * 4)
    inputs = [cohort / f'{name}.nii.gz' for name in GOOD[:2]] + [export]
    run = _predict(tiny, *inputs, '--out-dir', tmp_path / 'refused', capsys=capsys,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert_one_line_error(run, 'IM0001 has no SeriesInstanceUID', 'move the file out')
    assert not (tmp_path / 'refused').exists()
    out = tmp_path / 'out'
    run = _predict(tiny, *inputs, '--out-dir', out, '--keep-going', capsys=capsys,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 1 and 'Traceback' not in run.stderr, run.stderr[-2000:]
    assert '2 done, 0 complete before, 1 skipped, 0 failed' in run.stdout
    with open(out / 'skipped.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [(r['case'], r['scan'], r['status']) for r in rows] == [
        ('export', str(export), 'skipped')
    ]
    assert all(_complete(out, name, preview=False) for name in GOOD[:2])
