"""What a ``kill -9`` leaves is removed by the next run of the same tool; a live run keeps its own.

A killed ``predict.py`` leaves ``.NAME.partial-PID.nii.gz`` in its ``--out-dir``, a
killed Synapse conversion ``.SAVE.partial-PID-XXXX/`` (gigabytes on real data) beside
its ``--save-path``. The writers here are forked processes caught inside the tools' own
writers (``attn_unet.volumes.write_like``, ``convert_synapse``), then killed with SIGKILL or left
running. Users are never shown a hidden staging name they did not give.
"""

import os

import nibabel as nib
import numpy as np
import pytest

from demo.synthetic import render_ct_case
from tests.helpers.held_staging import writer_process
from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.small_disks import read_only_folder
from tests.helpers.tools import assert_one_line_error, run_tool_in_process

LINE = 'unfinished file(s) that a killed earlier run left in'


def _hidden(folder) -> list:
    return sorted(name for name in os.listdir(folder) if name.startswith('.'))


def _blocked_prediction(out, stem):
    """A writer stopped inside predict.py's own ``write_like`` of ``OUT/<stem>.nii.gz``."""

    def write(ready):
        import nibabel

        from attn_unet.volumes import open_nifti, write_like

        scan = open_nifti(str(out.parent / 'scans' / 'a.nii.gz'))
        nibabel.save = lambda image, partial: ready()  # in this child only: stop mid-write
        write_like(str(out / f'{stem}.nii.gz'), np.zeros(scan.shape, np.uint8), scan)

    return write


def test_predict_removes_what_a_killed_run_left_and_keeps_a_live_ones(
    tiny, tmp_path, capsys, monkeypatch
):
    (tmp_path / 'scans').mkdir()
    hu, _, affine = render_ct_case(np.random.default_rng(0), (32, 32), 6, bowel_loops=4)
    nib.save(nib.Nifti1Image(hu, affine), tmp_path / 'scans' / 'a.nii.gz')
    out = tmp_path / 'seg'
    out.mkdir()
    (out / '.notes.txt').write_text('a hidden file of the user')
    with writer_process(_blocked_prediction(out, 'live')) as live:
        with writer_process(_blocked_prediction(out, 'a')) as killed:
            killed.kill()
        assert _hidden(out) == sorted(
            ['.notes.txt', f'.a.partial-{killed.pid}.nii.gz', f'.live.partial-{live.pid}.nii.gz']
        )
        run = run_tool_in_process(
            'tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'], tmp_path / 'scans',
            '--out-dir', out, '--no-progress', capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        assert f'removed 1 {LINE} {out}: .a.partial-{killed.pid}.nii.gz' in run.stderr
        assert _hidden(out) == sorted(['.notes.txt', f'.live.partial-{live.pid}.nii.gz'])
        assert (out / 'a.nii.gz').is_file()


def _blocked_conversion(raw, save_path):
    def convert(ready):
        import attn_unet.datasets.synapse_convert as converter

        converter.encode_slice = lambda *args: ready()  # in this child only: stop mid-set
        converter.convert_synapse(raw, save_path, progress=False)

    return convert


def test_the_converter_removes_a_killed_conversions_staging_and_keeps_a_live_one(
    phantom_raw, tmp_path, capsys, monkeypatch
):
    save_path = tmp_path / 'synapse'
    with writer_process(_blocked_conversion(phantom_raw, save_path)) as live:
        with writer_process(_blocked_conversion(phantom_raw, save_path)) as killed:
            killed.kill()
        staged = _hidden(tmp_path)
        assert [name.split('-')[1] for name in staged] == sorted([str(live.pid), str(killed.pid)])
        run = run_tool_in_process(
            'tools/dataset_converters/synapse.py', phantom_raw, '--save-path', save_path,
            '--no-progress', capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        assert f'removed 1 {LINE} {tmp_path}: .synapse.partial-{killed.pid}-' in run.stderr
        assert [name.split('-')[1] for name in _hidden(tmp_path)] == [str(live.pid)]
        assert (save_path / 'conversion.json').is_file()


@pytest.mark.parametrize('option', ['--out-metrics', '--out'])
def test_test_py_names_the_path_given_not_its_hidden_staging(
    trained_run, tiny_data, tmp_path, capsys, monkeypatch, option
):
    with read_only_folder(tmp_path / 'ro') as read_only:
        target = read_only / ('m.json' if option == '--out-metrics' else 'x')
        run = run_tool_in_process(
            'tools/test.py', MINI_ATTN_CONFIG, trained_run / 'iter_2.pth', '--work-dir',
            tmp_path / 'work', option, target, '--cfg-options', *tiny_options(tiny_data),
            capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert_one_line_error(run, f'cannot write {target} (', 'writable')
        assert '.partial' not in run.stderr
