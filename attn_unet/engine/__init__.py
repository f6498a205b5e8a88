"""Training and testing machinery: the runner, CPU mixed precision, tool logic."""

from .amp import AutoAmpOptimWrapper, cpu_has_native_bf16
from .checkpoint import check_state_dict_fits, find_resume_checkpoint, load_checkpoint_file
from .checkpoint_hook import SafeCheckpointHook
from .cli import prepare_test_cfg, prepare_train_cfg, run_test, run_train
from .errors import (
    CheckpointError,
    ConfigKeyError,
    ConfigValueError,
    InputSizeError,
    ToolError,
    format_tool_error,
    run_cli,
)
from .loops import ResumableIterBasedTrainLoop
from .preflight import (
    backbone_downsample_rate,
    check_cfg_option_keys,
    check_cfg_option_types,
    check_checkpoint,
    check_datasets,
    check_input_sizes,
    resolve_resume_checkpoint,
)
from .rng import capture_rng_state, restore_rng_state
from .runner import AttnUNetRunner, apply_memory_format
from .sync_bn import CPUSyncBatchNorm, convert_sync_bn_to_cpu
from .work_dir_lock import WorkDirBusyError, WorkDirLock

__all__ = [
    'AttnUNetRunner',
    'AutoAmpOptimWrapper',
    'CPUSyncBatchNorm',
    'CheckpointError',
    'ConfigKeyError',
    'ConfigValueError',
    'InputSizeError',
    'ResumableIterBasedTrainLoop',
    'SafeCheckpointHook',
    'ToolError',
    'WorkDirBusyError',
    'WorkDirLock',
    'apply_memory_format',
    'backbone_downsample_rate',
    'capture_rng_state',
    'check_cfg_option_keys',
    'check_cfg_option_types',
    'check_checkpoint',
    'check_datasets',
    'check_input_sizes',
    'check_state_dict_fits',
    'convert_sync_bn_to_cpu',
    'cpu_has_native_bf16',
    'find_resume_checkpoint',
    'format_tool_error',
    'load_checkpoint_file',
    'prepare_test_cfg',
    'prepare_train_cfg',
    'resolve_resume_checkpoint',
    'restore_rng_state',
    'run_cli',
    'run_test',
    'run_train',
]
