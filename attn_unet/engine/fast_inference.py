"""``tools/test.py --fast``: the test loop on the inference fast path.

``tools/test.py --fast`` names :class:`FastTestLoop` as ``test_cfg`` and sets
``model_memory_format='channels_last'``; the loop folds BatchNorm and autocasts to bf16
where the device runs it fast, the recipe :mod:`attn_unet.models.utils.fast_inference`
holds for every tool (``tools/predict.py --fast`` applies it to the loaded segmentor).
Folding and channels-last compute the same function (to float rounding); bf16 autocast does
not, so the speed-up and the agreement with fp32 (argmax agreement, metric difference) are
measured together, by ``benchmarks/train_throughput.py`` (its inference rows).
"""

import logging

import torch
from mmengine.device import get_device
from mmengine.logging import print_log
from mmengine.runner import TestLoop

from attn_unet.models.utils import fast_inference_dtype, prepare_fast_inference
from attn_unet.registry import LOOPS

__all__ = ['FastTestLoop']


@LOOPS.register_module()
class FastTestLoop(TestLoop):
    """mmengine's ``TestLoop`` with BatchNorm folded and bf16 autocast where it is fast.

    Args:
        runner, dataloader, evaluator: as ``TestLoop``.
        dtype: ``'auto'`` (:func:`fast_inference_dtype`), ``'bfloat16'`` or ``'float32'``.
    """

    def __init__(self, runner, dataloader, evaluator, dtype: str = 'auto') -> None:
        device_type = get_device()
        choices = {'auto': fast_inference_dtype(device_type), 'bfloat16': torch.bfloat16,
                   'float32': None}  # fmt: skip
        if dtype not in choices:
            raise ValueError(f'FastTestLoop: dtype must be one of {list(choices)}, got {dtype!r}')
        # mmengine's run_iter opens autocast(enabled=fp16) without a dtype, which takes the
        # dtype of the context run_iter opens around it (bf16) on CUDA and on the CPU.
        super().__init__(runner, dataloader, evaluator, fp16=choices[dtype] is not None)
        self.device_type = device_type
        self.cast_dtype = choices[dtype]

    def run(self) -> dict:
        folded = prepare_fast_inference(self.runner.model)
        precision = 'fp32' if self.cast_dtype is None else 'bf16 autocast'
        print_log(
            f'fast test: {folded} BatchNorm layers folded into their convolutions, {precision}',
            logger='current',
            level=logging.INFO,
        )
        return super().run()

    def run_iter(self, idx, data_batch) -> None:
        if self.cast_dtype is None:
            return super().run_iter(idx, data_batch)
        with torch.autocast(self.device_type, dtype=self.cast_dtype):
            return super().run_iter(idx, data_batch)
