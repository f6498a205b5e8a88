"""``attn_unet::`` bases: the package's own configs, found wherever the package is installed."""

import pytest
from mmengine.config import Config

import attn_unet  # noqa: F401  (teaches mmengine the scope)
from attn_unet.apis import load_config
from attn_unet.compat import config_scope, configs_root, scoped_config_path
from attn_unet.errors import ToolError
from tests.helpers.tools import REPO

MODEL = '_base_/models/fused-dsv_attn-unet_s5-d16.py'
BASES = (MODEL, '_base_/datasets/volume_slices.py', '_base_/default_runtime.py')


def _config(folder, bases, name='scoped.py'):
    path = folder / name
    path.write_text(f'_base_ = {list(bases)!r}\nmodel = dict(backbone=dict(base_channels=8))\n')
    return path


def test_a_checkout_reads_its_own_configs_folder():
    assert configs_root() == str(REPO / 'configs')
    assert scoped_config_path(f'attn_unet::{MODEL}') == str(REPO / 'configs' / MODEL)


def test_scoped_bases_load_as_the_files_themselves(tmp_path):
    scoped = load_config(str(_config(tmp_path, [f'attn_unet::{b}' for b in BASES])))
    direct = load_config(str(_config(tmp_path, [str(REPO / 'configs' / b) for b in BASES], 'd.py')))
    assert scoped.to_dict() == direct.to_dict()
    backbone = scoped.model.backbone
    assert backbone.type == 'AttentionUNet' and backbone.base_channels == 8
    # no registry scope of its own: attn_unet registers into mmseg's registries
    assert '_scope_' not in scoped.model and scoped.default_scope == 'mmseg'


def test_a_wheel_reads_the_configs_it_carries(tmp_path, monkeypatch):
    package = tmp_path / 'site-packages' / 'attn_unet'
    (package / '.mim' / 'configs' / '_base_').mkdir(parents=True)
    (package / '.mim' / 'configs' / '_base_' / 'x.py').write_text('x = 1\n')
    monkeypatch.setattr(config_scope, '_PACKAGE', package)
    assert configs_root() == str(package / '.mim' / 'configs')
    assert Config.fromfile(_config(tmp_path, ['attn_unet::_base_/x.py'])).x == 1
    monkeypatch.setattr(config_scope, '_PACKAGE', tmp_path / 'bare' / 'attn_unet')
    with pytest.raises(FileNotFoundError, match='has no configs'):
        configs_root()


def test_a_missing_scoped_base_is_one_line_naming_it(tmp_path):
    with pytest.raises(ToolError, match=r'_base_ file \S+/configs/_base_/nothing.py does not'):
        load_config(str(_config(tmp_path, ['attn_unet::_base_/nothing.py'])))
    with pytest.raises(ValueError, match='not an attn_unet:: path'):
        scoped_config_path('mmseg::_base_/x.py')


def test_other_bases_are_left_to_mmengine(tmp_path):
    assert Config._get_cfg_path('a.py', str(tmp_path / 'b.py')) == (str(tmp_path / 'a.py'), None)
    config_scope.install_config_scope()  # a second call changes nothing
    assert Config._get_cfg_path('a.py', str(tmp_path / 'b.py')) == (str(tmp_path / 'a.py'), None)
