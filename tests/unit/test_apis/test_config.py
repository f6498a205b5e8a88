"""The one config loader: every way a config file can be unusable is one line naming it."""

import pytest

from attn_unet.apis import load_config
from attn_unet.errors import ConfigKeyError, ToolError
from tests.helpers.tiny_setup import ATTN_CONFIG

BAD_CONFIGS = [
    # (file name, text, words of the message)
    ('syntax.py', 'model = dict(\n', ['syntax error at line 1', 'fix the file']),
    ('base.py', "_base_ = ['./nowhere.py']\n", ['_base_ file', 'nowhere.py', 'does not exist']),
    (
        'imports.py',
        "custom_imports = dict(imports=['no_such_module_x'], allow_failed_imports=False)\n",
        ["'no_such_module_x'", 'custom_imports', 'cannot be imported'],
    ),
]


@pytest.mark.parametrize('name, text, words', BAD_CONFIGS)
def test_unreadable_configs_are_named_in_one_line(tmp_path, name, text, words):
    (tmp_path / name).write_text(text)
    with pytest.raises(ToolError) as info:
        load_config(str(tmp_path / name))
    message = str(info.value)
    assert '\n' not in message and message.startswith(f'cannot read config {tmp_path / name}')
    for word in words:
        assert word in message, message


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(ToolError, match='config .*x.py does not exist'):
        load_config(str(tmp_path / 'x.py'))
    with pytest.raises(ToolError, match='is a folder: pass a config file'):
        load_config(str(tmp_path))


def test_options_are_checked_then_merged():
    cfg = load_config(ATTN_CONFIG, {'train_cfg.max_iters': 7})
    assert cfg.train_cfg.max_iters == 7 and cfg.launcher == 'none'
    with pytest.raises(ConfigKeyError, match="did you mean 'train_cfg'"):
        load_config(ATTN_CONFIG, {'train_cfgg.max_iters': 7})
