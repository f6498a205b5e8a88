"""Training and testing machinery: the runner, CPU mixed precision, tool logic."""

from .amp import AutoAmpOptimWrapper, cpu_has_native_bf16
from .cli import prepare_test_cfg, prepare_train_cfg, run_test, run_train
from .errors import (
    CheckpointError,
    ConfigKeyError,
    InputSizeError,
    ToolError,
    format_tool_error,
    run_cli,
)
from .preflight import (
    backbone_downsample_rate,
    check_cfg_option_keys,
    check_checkpoint,
    check_datasets,
    check_input_sizes,
    resolve_resume_checkpoint,
)
from .runner import AttnUNetRunner, apply_memory_format
from .sync_bn import CPUSyncBatchNorm, convert_sync_bn_to_cpu

__all__ = [
    'AttnUNetRunner',
    'AutoAmpOptimWrapper',
    'CPUSyncBatchNorm',
    'CheckpointError',
    'ConfigKeyError',
    'InputSizeError',
    'ToolError',
    'apply_memory_format',
    'backbone_downsample_rate',
    'check_cfg_option_keys',
    'check_checkpoint',
    'check_datasets',
    'check_input_sizes',
    'convert_sync_bn_to_cpu',
    'cpu_has_native_bf16',
    'format_tool_error',
    'prepare_test_cfg',
    'prepare_train_cfg',
    'resolve_resume_checkpoint',
    'run_cli',
    'run_test',
    'run_train',
]
