import cv2

from tests.test_analysis.test_confusion import _write_predictions

from .tool_runner import assert_one_line_error_in_process, run_tool, run_tool_in_process

TOOL = 'tools/analysis_tools/confusion_matrix.py'


def test_writes_matrix_png(tiny, tmp_path):
    _write_predictions(tmp_path / 'pred', tiny['labels'])
    proc = run_tool(TOOL, tiny['attn_config'], tmp_path / 'pred', tmp_path / 'cm', '--normalize')
    assert proc.returncode == 0, proc.stderr[-2000:]
    labelled = sum(int((gt != 255).sum()) for gt in tiny['labels'].values())
    assert f'{labelled} labelled pixels' in proc.stdout
    assert cv2.imread(str(tmp_path / 'cm' / 'confusion_matrix.png')) is not None


def test_missing_prediction_dir(tiny, tmp_path, capsys):
    code = run_tool_in_process(TOOL, tiny['attn_config'], tmp_path / 'none', tmp_path / 'cm')
    assert_one_line_error_in_process(code, capsys, 'prediction folder', 'tools/test.py')
