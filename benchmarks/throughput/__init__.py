"""Training-throughput benchmark of the real loop, used by ``benchmarks/train_throughput.py``."""

from .environment import describe_environment
from .loop_timers import LoopTimers
from .measure import loader_rates, run_loop, time_inference, time_step_alone
from .setup import SIZES, benchmark_config, ct_slices, street_scenes, synapse_loader_config

__all__ = [
    'SIZES',
    'LoopTimers',
    'benchmark_config',
    'ct_slices',
    'describe_environment',
    'loader_rates',
    'run_loop',
    'street_scenes',
    'synapse_loader_config',
    'time_inference',
    'time_step_alone',
]
