"""``attn_unet::PATH`` in a config's ``_base_``: the configs that ship with the package.

mmseg's configs can name their bases ``mmseg::_base_/...``, found inside the installed
package (``mmseg/.mim/configs``). A config written outside the repository (the Decathlon
converter's, a user's) names this project's bases the same way::

    _base_ = ['attn_unet::_base_/models/fused-dsv_attn-unet_s5-d16.py']

and keeps working when the checkout or the environment moves. mmengine 0.10.7 resolves
such a scope only for the packages it lists (``MODULE2PACKAGE``), looks the package up
through ``pkg_resources`` (which setuptools 81 and newer no longer ship), finds an
editable install's files in the wrong folder, and marks every inherited dict with a
registry scope of that name, which attn_unet does not have (it registers into mmseg's).
So ``import attn_unet`` teaches mmengine's ``Config`` this one scope itself:
``attn_unet::PATH`` is ``PATH`` under :func:`configs_root`, inherited as a local base
would be. Other scopes (``mmseg::``) are left to mmengine.
"""

from pathlib import Path

__all__ = ['SCOPE', 'configs_root', 'install_config_scope', 'scoped_config_path']

SCOPE = 'attn_unet'
_PREFIX = f'{SCOPE}::'
_PACKAGE = Path(__file__).resolve().parents[1]


def configs_root() -> str:
    """The project's ``configs/`` folder, wherever the package is installed.

    A wheel carries it as ``attn_unet/.mim/configs`` (copied in at build time, as mmseg's
    wheel carries ``mmseg/.mim/configs``); an editable install reads the checkout's
    ``configs/``, beside ``attn_unet/`` and ``model-index.yml``.

    Raises:
        FileNotFoundError: neither is there (a package copied without its configs).
    """
    packaged = _PACKAGE / '.mim' / 'configs'
    if packaged.is_dir():
        return str(packaged)
    checkout = _PACKAGE.parent
    if (checkout / 'configs').is_dir() and (checkout / 'model-index.yml').is_file():
        return str(checkout / 'configs')
    raise FileNotFoundError(
        f'attn_unet at {_PACKAGE} has no configs: neither {packaged} (a wheel) nor a '
        'checkout beside it; reinstall attn-unet from a wheel or a checkout'
    )


def scoped_config_path(path: str) -> str:
    """The file ``attn_unet::REL`` names: ``configs_root()/REL``.

    Raises:
        ValueError: ``path`` does not start with ``attn_unet::``.
        FileNotFoundError: there is no such file (its ``filename`` is the path looked at).
    """
    if not path.startswith(_PREFIX):
        raise ValueError(f'{path!r} is not an {_PREFIX} path')
    relative = path[len(_PREFIX) :]
    resolved = Path(configs_root()) / relative
    if not resolved.is_file():
        raise FileNotFoundError(2, f'no {relative} among the configs of attn_unet', str(resolved))
    return str(resolved)


def install_config_scope() -> None:
    """Make mmengine's ``Config`` resolve ``attn_unet::`` bases (idempotent)."""
    from mmengine.config import Config

    original = Config._get_cfg_path
    if getattr(original, '_attn_unet_scope', False):
        return

    def get_cfg_path(cfg_path: str, filename: str):
        if cfg_path.startswith(_PREFIX):
            return scoped_config_path(cfg_path), None  # no registry scope: a local base
        return original(cfg_path, filename)

    get_cfg_path._attn_unet_scope = True
    Config._get_cfg_path = staticmethod(get_cfg_path)
