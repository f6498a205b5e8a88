"""Hooks the tool tests load into subprocess runs through ``custom_imports``.

They record what a run did (autocast state, training state after resuming,
each rank's weights) as files in the work dir, for the tests to compare.
"""

import json
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from attn_unet.registry import HOOKS

__all__ = ['AutocastProbeHook', 'RankStateDumpHook', 'ResumeStateProbeHook']


def _module(runner):
    return runner.model.module if is_model_wrapper(runner.model) else runner.model


@HOOKS.register_module()
class AutocastProbeHook(Hook):
    """Writes ``autocast_probe.json``: autocast state inside each training backbone forward."""

    def before_train(self, runner) -> None:
        self.records = []

        def probe(module, args, output):
            if not module.training:
                return
            outputs = output if isinstance(output, (list, tuple)) else [output]
            self.records.append(
                dict(
                    enabled=torch.is_autocast_enabled('cpu'),
                    dtype=str(torch.get_autocast_dtype('cpu')),
                    output_dtype=str(outputs[0].dtype),
                )
            )

        _module(runner).backbone.register_forward_hook(probe)

    def after_train(self, runner) -> None:
        with open(osp.join(runner.work_dir, 'autocast_probe.json'), 'w') as f:
            json.dump(self.records, f)


@HOOKS.register_module()
class ResumeStateProbeHook(Hook):
    """Saves ``resume_probe.pth``: iteration, optimizer and scheduler state before training."""

    def before_train(self, runner) -> None:
        state = dict(
            iter=runner.iter,
            optimizer=runner.optim_wrapper.state_dict(),
            schedulers=[s.state_dict() for s in runner.param_schedulers],
        )
        torch.save(state, osp.join(runner.work_dir, 'resume_probe.pth'))


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Saves ``rank{r}_state.pth``: this rank's model state dict after training."""

    def after_train(self, runner) -> None:
        state = {k: v.detach().clone() for k, v in _module(runner).state_dict().items()}
        torch.save(state, osp.join(runner.work_dir, f'rank{get_rank()}_state.pth'))
