"""What the tests that compare two kernels' results run with, and how to change it.

Those tests (marked ``kernels``) hold two computations of one function to each other:
torch against onnxruntime, folded BatchNorm, channels-last, bf16, another thread count.
Their rounding differs between processors, so the suite runs them again with the
widest instructions off and another onnxruntime thread count (``make test`` does)::

    ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 ATEN_CPU_CAPABILITY=avx2 \\
        ATTN_UNET_TEST_ORT_THREADS=2 python -m pytest -q -m kernels
"""

import os

__all__ = ['ORT_THREADS_VARIABLE', 'onnxruntime_threads']

ORT_THREADS_VARIABLE = 'ATTN_UNET_TEST_ORT_THREADS'


def onnxruntime_threads() -> int:
    """onnxruntime's intra-op threads for the tests' sessions: $ATTN_UNET_TEST_ORT_THREADS, or 1."""
    value = os.environ.get(ORT_THREADS_VARIABLE, '1')
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f'{ORT_THREADS_VARIABLE}={value!r}: set a whole number >= 1')
    return int(value)
