"""What the tools call: load a config, train, test, load a segmentor, run a command line.

``tools/*.py`` parse their arguments and call one function of this room; the
logic lives here, above the engine, where it is tested.
"""

from .attention import attention_grid_for_image
from .check_dataset import check_dataset
from .cli import format_tool_error, run_cli
from .config import load_config
from .dict_action import DictAction, parse_cfg_options
from .export import default_verify_shapes, export_onnx
from .runner import build_runner
from .segmentor import build_segmentor, load_image, load_segmentor, syncbn_to_bn
from .test import prepare_test_cfg, run_test
from .train import prepare_train_cfg, run_train

__all__ = [
    'DictAction',
    'attention_grid_for_image',
    'build_runner',
    'build_segmentor',
    'check_dataset',
    'default_verify_shapes',
    'export_onnx',
    'format_tool_error',
    'load_config',
    'load_image',
    'load_segmentor',
    'parse_cfg_options',
    'prepare_test_cfg',
    'prepare_train_cfg',
    'run_cli',
    'run_test',
    'run_train',
    'syncbn_to_bn',
]
