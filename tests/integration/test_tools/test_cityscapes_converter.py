"""The Cityscapes converter from the command line: converts, and bad input is one line."""

import pytest

from attn_unet.datasets import check_cityscapes_layout
from attn_unet.errors import DatasetLayoutError
from tests.helpers.data_fixtures import NUM_TRAIN, NUM_VAL
from tests.helpers.tools import assert_one_line_error, run_tool

CONVERTER = 'tools/dataset_converters/cityscapes.py'


def _train_id_maps(root):
    return [p for p in root.rglob('*_gtFine_labelTrainIds.png') if p.is_file()]


def test_cli_converts_and_reports_bad_input_in_one_line(mini_copy, tmp_path):
    converted = run_tool(CONVERTER, mini_copy, '--nproc', '2')
    assert converted.returncode == 0, converted.stderr
    assert len(_train_id_maps(mini_copy)) == NUM_TRAIN + NUM_VAL
    next(mini_copy.rglob('*_gtFine_polygons.json')).write_text('{not json')
    assert_one_line_error(run_tool(CONVERTER, tmp_path / 'absent'))
    assert_one_line_error(run_tool(CONVERTER, mini_copy, '--nproc', '2'))


def test_a_label_path_that_is_a_folder_is_named_by_the_advised_converter(mini_copy):
    polygons = next(mini_copy.rglob('*_gtFine_polygons.json'))
    blocked = polygons.with_name(polygons.name.replace('_polygons.json', '_labelTrainIds.png'))
    blocked.mkdir()
    with pytest.raises(DatasetLayoutError) as info:  # the layout check advises the converter ...
        check_cityscapes_layout(mini_copy)
    assert 'run python3 tools/dataset_converters/cityscapes.py' in str(info.value)
    result = run_tool(CONVERTER, mini_copy, '--nproc', '1')  # ... which names the folder
    assert_one_line_error(result, f'label path {blocked} is a folder, not a file')
    assert blocked.is_dir() and not _train_id_maps(mini_copy)  # refused before any label
