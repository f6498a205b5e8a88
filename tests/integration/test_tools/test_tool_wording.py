"""Each tool's last line names its own outputs and options; a stopped prediction leaves no litter.

``predict.py`` has an ``--out-dir``, the ONNX export an ``--out``: neither has a work
dir, checkpoints or ``--resume``, so neither may tell the user about them after a
SIGTERM or a full disk. A prediction refused or stopped before its first file removes
the ``--out-dir`` it created.
"""

import os
import signal

import nibabel as nib
import numpy as np
import pytest

from demo.synthetic import render_ct_case
from tests.helpers.small_disks import small_disk
from tests.helpers.tools import assert_one_line_error, run_tool_in_process


@pytest.fixture
def restore_signals():
    """In-process runs end with SIGINT / SIGTERM ignored (the tool's way out): undo that."""
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD)}
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # so that run_cli installs its handler
    yield
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@pytest.fixture(scope='module')
def scans(tmp_path_factory):
    """a.nii.gz and b.nii.gz: two small CT volumes (64x64x8)."""
    folder = tmp_path_factory.mktemp('scans')
    for seed, name in enumerate(('a', 'b')):
        hu, _, affine = render_ct_case(np.random.default_rng(seed), (64, 64), 8, bowel_loops=4)
        nib.save(nib.Nifti1Image(hu, affine), folder / f'{name}.nii.gz')
    return folder


def _predict(tiny, *args, capsys, monkeypatch):
    return run_tool_in_process(
        'tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'], *args, '--no-progress',
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip


@pytest.mark.parametrize('stopped_at', [0, 1])
def test_sigterm_names_the_predictions_and_an_unused_out_dir_goes(
    tiny, scans, tmp_path, capsys, monkeypatch, restore_signals, stopped_at
):
    from attn_unet.apis.predict import pipeline

    segment, calls = pipeline.segment_volume, []

    def terminated_during_a_scan(*args, **kwargs):
        calls.append(1)
        if len(calls) > stopped_at:
            os.kill(os.getpid(), signal.SIGTERM)  # a real signal, in the middle of a scan
        return segment(*args, **kwargs)

    monkeypatch.setattr(pipeline, 'segment_volume', terminated_during_a_scan)
    out = tmp_path / 'new' / 'seg'
    run = _predict(tiny, scans, '--out-dir', out, capsys=capsys, monkeypatch=monkeypatch)
    assert run.returncode == 143 and 'Traceback' not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last == (
        'stopped: terminated (SIGTERM); the predictions finished before it are complete, none '
        'is half written; --continue predicts the rest'
    )
    if stopped_at == 0:
        assert not (tmp_path / 'new').exists()  # both folders this run made, empty, are gone
    else:
        # a complete (its row in statistics.csv too), b not begun
        assert sorted(os.listdir(out)) == ['a.json', 'a.nii.gz', 'statistics.csv']


def test_a_full_disk_names_the_prediction_and_the_out_dir(
    tiny, scans, tmp_path, capsys, monkeypatch
):
    with small_disk(tmp_path / 'disk', 48) as disk:
        run = _predict(tiny, scans / 'a.nii.gz', '--save-attention', '--out-dir', disk,
                       capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
        assert_one_line_error(
            run,
            f'disk full while writing {disk}/a_attention.nii.gz: free space on that disk or pass '
            'another --out-dir (the predictions finished before it are complete',
        )
        assert 'checkpoint' not in run.stderr and '--resume' not in run.stderr
        assert sorted(os.listdir(disk)) == ['a.nii.gz']  # the attention volume: not half written


def test_a_full_disk_during_the_onnx_export_names_out(tiny, tmp_path, capsys, monkeypatch):
    with small_disk(tmp_path / 'disk', 16) as disk:
        run = run_tool_in_process(
            'tools/deployment/export_onnx.py', tiny['attn_config'], tiny['attn_ckpt'],
            '--out', disk / 'model.onnx', capsys=capsys, monkeypatch=monkeypatch,
        )  # fmt: skip
        assert_one_line_error(
            run,
            f'disk full while writing {disk}/model.onnx: free space on that disk or pass another '
            '--out (no model was written to --out',
        )
        assert 'checkpoint' not in run.stderr and '--work-dir' not in run.stderr
        assert os.listdir(disk) == []
