"""A class the model never predicts in a whole validation or test run is said at once.

A segmentation network can collapse: it predicts the background (or any subset of the
classes) everywhere while its logged loss looks like a healthy run's, because a class-mean
Dice loss and a cross-entropy dominated by the background both stay moderate. The metric's
table then shows DSC 0 for that class among the others, easy to miss, and only after the
whole schedule. This hook watches the predictions of every validation and test run and,
for each class that the references hold but that no image's prediction contains, writes
one warning line naming the class and the iteration.
"""

import torch
from mmengine.dist import all_reduce
from mmengine.hooks import Hook

from attn_unet.registry import HOOKS

__all__ = ['UnpredictedClassHook', 'unpredicted_classes']


def unpredicted_classes(predicted: torch.Tensor, referenced: torch.Tensor) -> list[int]:
    """The classes present in some reference but in no prediction.

    Args:
        predicted: (C,) pixels predicted as each class, summed over the run.
        referenced: (C,) reference pixels of each class, summed over the run.

    Returns:
        The class ids, ascending.
    """
    return ((referenced > 0) & (predicted == 0)).nonzero().view(-1).tolist()


@HOOKS.register_module()
class UnpredictedClassHook(Hook):
    """Warn when a class of the references is predicted on no validation (or test) image.

    After each validation and test iteration it counts the pixels of each class in the
    batch's predictions and references (one ``bincount`` each, on the model's device); after
    the run it sums the counts over ranks and warns, one line per class, where the references
    hold the class and the predictions never do. Training iterations cost nothing.
    """

    priority = 'LOW'

    def __init__(self):
        self._predicted: torch.Tensor | None = None
        self._referenced: torch.Tensor | None = None
        self._images = 0

    def before_val_epoch(self, runner) -> None:
        self._reset()

    def before_test_epoch(self, runner) -> None:
        self._reset()

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._count(runner.val_dataloader.dataset, outputs)

    def after_test_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._count(runner.test_dataloader.dataset, outputs)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._warn(runner, runner.val_dataloader.dataset, f'iteration {runner.iter}: validation')

    def after_test_epoch(self, runner, metrics=None) -> None:
        self._warn(runner, runner.test_dataloader.dataset, 'test')

    def _reset(self) -> None:
        self._predicted = self._referenced = None
        self._images = 0

    def _count(self, dataset, outputs) -> None:
        num_classes = len(dataset.metainfo['classes'])
        for sample in outputs or ():
            if 'pred_sem_seg' not in sample or 'gt_sem_seg' not in sample:
                continue
            pred = sample.pred_sem_seg.data.reshape(-1).long()
            label = sample.gt_sem_seg.data.reshape(-1).long()
            if self._predicted is None:
                self._predicted = torch.zeros(num_classes, dtype=torch.long, device=pred.device)
                self._referenced = torch.zeros_like(self._predicted)
            self._predicted += _class_counts(pred, num_classes)
            self._referenced += _class_counts(label.to(pred.device), num_classes)
            self._images += 1

    def _warn(self, runner, dataset, which: str) -> None:
        classes = dataset.metainfo['classes']
        if self._predicted is None:  # a rank that saw no image still joins the sum
            device = next(runner.model.parameters()).device
            self._predicted = torch.zeros(len(classes), dtype=torch.long, device=device)
            self._referenced = torch.zeros_like(self._predicted)
        counts = torch.stack([self._predicted, self._referenced])
        images = torch.tensor([self._images], device=counts.device)
        all_reduce(counts)
        all_reduce(images)
        counts = counts.cpu()
        if int(images) == 0:
            return
        for class_id in unpredicted_classes(counts[0], counts[1]):
            runner.logger.warning(
                f'{which}: the model predicts no {classes[class_id]!r} pixel on any of the '
                f'{int(images)} images, whose references hold {int(counts[1, class_id])}; '
                'a model that stays so has learnt nothing of this class'
            )


def _class_counts(ids: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(C,) pixels of each class id in ``ids``; ids outside [0, C) (ignored) are dropped."""
    valid = ids[(ids >= 0) & (ids < num_classes)]
    return torch.bincount(valid, minlength=num_classes)
