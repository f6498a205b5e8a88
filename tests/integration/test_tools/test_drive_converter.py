"""The DRIVE converter from the command line: a missing zip is one line naming the fix."""

from tests.helpers.fundus import make_fundus_zips
from tests.helpers.tools import run_tool


def test_a_missing_training_zip_is_one_line_naming_the_fix(tmp_path):
    zips = make_fundus_zips(tmp_path / 'zips')
    result = run_tool(
        'tools/dataset_converters/drive.py', tmp_path / 'nope.zip', zips['test'], '-o', tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: '{tmp_path / 'nope.zip'}' not found: pass the training zip of the DRIVE "
        'release (or generate synthetic ones with demo/generate_fundus.py OUT_DIR)'
    ]
