"""Specification of the mmcv._ext stand-in that lets mmseg import with mmcv-lite."""

import sys
import types

import pytest
import torch

import attn_unet  # noqa: F401  (installs the stand-in)
from attn_unet.compat import (
    MissingCompiledOpError,
    install_missing_ops_stub,
    is_stub_active,
    mmcv_ops,
)

pytestmark = pytest.mark.skipif(
    not is_stub_active(), reason='full mmcv is installed; the stand-in is not used'
)


def test_mmcv_ops_load_their_kernels_only_through_the_stand_in(monkeypatch):
    import mmseg.models  # noqa: F401  (imports, since attn_unet came first)
    from mmcv.utils.ext_loader import load_ext

    assert load_ext('_ext', ['nms', 'roi_align_forward']) is sys.modules['mmcv._ext']
    monkeypatch.delitem(sys.modules, 'mmcv._ext')
    with pytest.raises(ModuleNotFoundError, match='mmcv._ext'):
        load_ext('_ext', ['nms'])


def test_install_is_idempotent():
    stub = sys.modules['mmcv._ext']
    assert install_missing_ops_stub() is True
    assert sys.modules['mmcv._ext'] is stub


def test_full_mmcv_still_reported_absent():
    from mmcv.utils.ext_loader import check_ops_exist
    from mmengine.utils.dl_utils import mmcv_full_available

    assert not check_ops_exist()
    assert not mmcv_full_available()


def test_calling_a_compiled_op_names_it_and_the_fix():
    from mmcv.ops import nms

    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0]])
    with pytest.raises(MissingCompiledOpError) as info:
        nms(boxes, torch.tensor([0.9, 0.8]), iou_threshold=0.5)
    message = str(info.value)
    assert "'nms'" in message and 'mmcv-lite' in message and 'pip install' in message
    assert '\n' not in message


def test_stand_in_is_not_a_package():
    stub = sys.modules['mmcv._ext']
    assert not hasattr(stub, '__path__')
    with pytest.raises(ImportError):
        __import__('mmcv._ext.anything')


def test_real_extension_is_left_alone(monkeypatch):
    real = types.ModuleType('mmcv._ext')
    monkeypatch.setitem(sys.modules, 'mmcv._ext', real)
    assert install_missing_ops_stub() is False
    assert sys.modules['mmcv._ext'] is real
    assert not is_stub_active()


def test_importable_extension_is_preferred(monkeypatch):
    monkeypatch.delitem(sys.modules, 'mmcv._ext')
    monkeypatch.setattr(mmcv_ops.importlib, 'import_module', lambda name: types.ModuleType(name))
    assert install_missing_ops_stub() is False
    assert 'mmcv._ext' not in sys.modules
