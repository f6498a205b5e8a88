"""A cross-validation writes only into a folder of its own: a ``--work-dir`` holding anything
else is refused in one line before any fold trains, and what it holds is left as it was."""

import json

import pytest

from attn_unet.apis.cross_validation import CrossValidationOptions, run_cross_validation
from attn_unet.errors import ToolError


@pytest.fixture
def config(decathlon_converted):
    record = json.loads((decathlon_converted / 'conversion.json').read_text())
    return str(decathlon_converted / record['configs'][0])


def _never(*_):
    raise AssertionError('no fold may train')


@pytest.mark.parametrize('name', ['summary.json', 'notes.txt', 'iter_1000.pth', 'fold_x'])
def test_a_folder_of_other_files_is_refused_and_left_alone(config, tmp_path, name, monkeypatch):
    folder = tmp_path / 'run'
    folder.mkdir()
    (folder / 'configs').mkdir()  # a cross-validation's own
    (folder / name).write_text('mine')
    monkeypatch.setattr('attn_unet.apis.cross_validation.run._train', _never)
    options = CrossValidationOptions(work_dir=str(folder), progress=False)
    if name == 'summary.json':  # a cross-validation's own name: taken as an earlier one's
        with pytest.raises(AssertionError, match='no fold may train'):
            run_cross_validation(config, options, 'train.py')
        return
    with pytest.raises(ToolError, match=rf"--work-dir {folder} holds '{name}', which no cross-"):
        run_cross_validation(config, options, 'train.py')
    assert sorted(p.name for p in folder.iterdir()) == sorted(['configs', name])
    assert (folder / name).read_text() == 'mine'


def test_a_file_as_the_folder_is_refused(config, tmp_path):
    path = tmp_path / 'cv'
    path.write_text('mine')
    options = CrossValidationOptions(work_dir=str(path), progress=False)
    with pytest.raises(ToolError, match=f'--work-dir {path} is a file: pass a folder'):
        run_cross_validation(config, options, 'train.py')
    assert path.read_text() == 'mine'
