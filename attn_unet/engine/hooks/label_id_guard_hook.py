"""Label ids outside the classes stop the run where the data is made, naming the label file.

The data check before a run (:mod:`attn_unet.datasets.integrity`) reads every label file
as it lies on disk. What the loss sees can still differ: a label changed after that
check, a run with ``data_check.enabled=False``, or a transform that makes new ids. Ids
outside the classes crash the training loss without naming the file (on CUDA, a
device-side assert that kills the process), and in validation or testing they are
silently dropped from the confusion counts.

:class:`LabelIdGuardHook` has every sample checked as the pipeline makes it, inside the data
loader's workers (:func:`attn_unet.datasets.label_id_check.guard_label_ids`), so the check
runs in parallel with training and costs the training loop nothing per iteration. It wraps
each dataset's pipeline as soon as the loader is built (``AttnUNetRunner`` calls
``after_build_dataloader`` on its hooks, before any worker starts); under mmengine's plain
``Runner`` (mmseg's own ``tools/test.py``) it does the same in ``before_val`` /
``before_test``, which also come before those loops start their workers.
"""

from mmengine.hooks import Hook

from attn_unet.datasets.label_id_check import guard_label_ids
from attn_unet.registry import HOOKS

__all__ = ['LabelIdGuardHook']


@HOOKS.register_module()
class LabelIdGuardHook(Hook):
    """Have every loop's data pipeline refuse label ids outside the classes (see module doc)."""

    priority = 'VERY_HIGH'

    def after_build_dataloader(self, runner, dataloader) -> None:
        guard_label_ids(dataloader.dataset)

    def before_val(self, runner) -> None:
        guard_label_ids(runner.val_dataloader.dataset)

    def before_test(self, runner) -> None:
        guard_label_ids(runner.test_dataloader.dataset)
