import cv2

from tests.helpers.tools import assert_one_line_error, run_tool, run_tool_in_process
from tests.unit.test_analysis.test_confusion import _write_predictions

TOOL = 'tools/analysis_tools/confusion_matrix.py'


def test_writes_matrix_png(tiny, tmp_path):
    _write_predictions(tmp_path / 'pred', tiny['labels'])
    proc = run_tool(TOOL, tiny['attn_config'], tmp_path / 'pred', tmp_path / 'cm', '--normalize')
    assert proc.returncode == 0, proc.stderr[-2000:]
    labelled = sum(int((gt != 255).sum()) for gt in tiny['labels'].values())
    assert f'{labelled} labelled pixels' in proc.stdout
    assert cv2.imread(str(tmp_path / 'cm' / 'confusion_matrix.png')) is not None


def test_missing_prediction_dir(tiny, tmp_path, capsys, monkeypatch):
    run = run_tool_in_process(
        TOOL,
        tiny['attn_config'],
        tmp_path / 'none',
        tmp_path / 'cm',
        capsys=capsys,
        monkeypatch=monkeypatch,
    )
    assert_one_line_error(run, 'prediction folder', 'tools/test.py')
