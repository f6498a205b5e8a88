"""UnpredictedClassHook: a class of the references that no prediction holds is said at once."""

from types import SimpleNamespace

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from attn_unet.evaluation import UnpredictedClassHook, unpredicted_classes
from attn_unet.registry import HOOKS

CLASSES = ('background', 'pancreas', 'tumour')


def _sample(pred, label):
    sample = SegDataSample()
    sample.pred_sem_seg = PixelData(data=torch.tensor(pred).view(1, 2, 2))
    sample.gt_sem_seg = PixelData(data=torch.tensor(label).view(1, 2, 2))
    return sample


class _Logger:
    def __init__(self):
        self.warnings = []

    def warning(self, line):
        self.warnings.append(line)


def _runner():
    dataset = SimpleNamespace(metainfo=dict(classes=CLASSES))
    loader = SimpleNamespace(dataset=dataset)
    model = torch.nn.Linear(1, 1)
    return SimpleNamespace(
        val_dataloader=loader, test_dataloader=loader, iter=200, logger=_Logger(), model=model
    )


def test_the_rule():
    predicted, referenced = torch.tensor([9, 0, 0]), torch.tensor([5, 3, 0])
    assert unpredicted_classes(predicted, referenced) == [1]  # tumour: in neither


def test_a_collapsed_model_is_named_with_the_iteration():
    hook, runner = HOOKS.build(dict(type='UnpredictedClassHook')), _runner()
    hook.before_val_epoch(runner)
    # background everywhere; the references hold pancreas (2 px) and tumour (1 px), 255 ignored
    hook.after_val_iter(runner, 0, outputs=[_sample([0, 0, 0, 0], [0, 1, 1, 255])])
    hook.after_val_iter(runner, 1, outputs=[_sample([0, 0, 0, 0], [0, 0, 2, 0])])
    hook.after_val_epoch(runner)
    assert runner.logger.warnings == [
        "iteration 200: validation: the model predicts no 'pancreas' pixel on any of the 2 "
        'images, whose references hold 2; a model that stays so has learnt nothing of this class',
        "iteration 200: validation: the model predicts no 'tumour' pixel on any of the 2 "
        'images, whose references hold 1; a model that stays so has learnt nothing of this class',
    ]


def test_a_model_predicting_every_referenced_class_is_quiet_and_runs_start_afresh():
    hook, runner = UnpredictedClassHook(), _runner()
    hook.before_test_epoch(runner)
    hook.after_test_iter(runner, 0, outputs=[_sample([0, 0, 0, 0], [0, 1, 0, 0])])
    hook.after_test_epoch(runner)
    assert len(runner.logger.warnings) == 1 and runner.logger.warnings[0].startswith('test: ')
    hook.before_test_epoch(runner)  # the next run counts its own predictions only
    hook.after_test_iter(runner, 0, outputs=[_sample([0, 1, 2, 0], [0, 1, 0, 0])])
    hook.after_test_epoch(runner)
    assert len(runner.logger.warnings) == 1  # tumour predicted though absent: no warning


def test_no_images_no_warning():
    hook, runner = UnpredictedClassHook(), _runner()
    hook.before_val_epoch(runner)
    hook.after_val_epoch(runner)
    assert runner.logger.warnings == []
