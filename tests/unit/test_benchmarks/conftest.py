"""The benchmark scripts import their harness, ``benchmarks/attn_vs_unet``, as a sibling."""

import sys
from pathlib import Path

BENCHMARKS = str(Path(__file__).resolve().parents[3] / 'benchmarks')
if BENCHMARKS not in sys.path:
    sys.path.insert(0, BENCHMARKS)
