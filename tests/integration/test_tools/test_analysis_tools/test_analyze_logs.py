import cv2

from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process
from tests.unit.test_analysis.test_training_curves import write_scalars

TOOL = 'tools/analysis_tools/analyze_logs.py'


def test_plots_several_runs(tmp_path):
    logs = [write_scalars(tmp_path / f'run{i}/vis_data/scalars.json', 40, 20, i) for i in range(2)]
    out = tmp_path / 'fig.png'
    proc = run_tool(
        TOOL, *logs, '--keys', 'loss', 'lr', 'mIoU', '--legend', 'unet', 'attn', '--out', out
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'plotted 6 curves' in proc.stdout and 'attn: mIoU' in proc.stdout
    assert cv2.imread(str(out)) is not None


def test_unknown_key(tmp_path, capsys, monkeypatch):
    log = write_scalars(tmp_path / 'scalars.json', 20, 10, 0)
    run = run_tool_in_process(
        TOOL,
        log,
        '--keys',
        'mAP',
        '--out',
        tmp_path / 'x.png',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, "'mAP' is in none of the logs")
