"""Hooks the tool tests load into subprocess runs through ``custom_imports``.

They record what a run did (autocast state, training state after resuming,
each rank's weights, the losses of every iteration, the test loop's logits) as
files in the work dir, for the tests to compare, or inject faults (a kill, a
stalled or failing checkpoint write, a pause for a signal, a slow exit) at a
chosen point, set by environment variables.
"""

import errno
import io
import json
import logging
import os
import os.path as osp
import signal
import time

import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from attn_unet.registry import HOOKS

__all__ = [
    'AutocastProbeHook',
    'DiskFullProbeHook',
    'LogDiskFullProbeHook',
    'KillAfterIterProbeHook',
    'LogitsRecordProbeHook',
    'LossRecordProbeHook',
    'RankStateDumpHook',
    'ResumeStateProbeHook',
    'SleepAfterIterProbeHook',
    'SleepAfterTestIterProbeHook',
    'SlowCheckpointWriteProbeHook',
    'SlowExitProbeHook',
]


class _FullDisk(io.TextIOBase):
    """A stream on a full disk: every write and flush fails with ENOSPC."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


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


@HOOKS.register_module()
class LossRecordProbeHook(Hook):
    """Appends ``{"iter": i, "losses": {...}}`` to ``losses.jsonl`` after each train iteration."""

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        losses = {k: float(v) for k, v in (outputs or {}).items()}
        with open(osp.join(runner.work_dir, 'losses.jsonl'), 'a') as f:
            f.write(json.dumps(dict(iter=runner.iter + 1, losses=losses)) + '\n')


@HOOKS.register_module()
class KillAfterIterProbeHook(Hook):
    """``kill -9`` of its own process after iteration ``$PROBE_KILL_AFTER_ITER`` (saved first);
    with ``$PROBE_KILL_IN_WORK_DIR`` set, only in a run whose work dir ends with it."""

    priority = 'LOWEST'

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        only_in = os.environ.get('PROBE_KILL_IN_WORK_DIR')
        if only_in and not osp.normpath(runner.work_dir).endswith(only_in):
            return
        if runner.iter + 1 == int(os.environ.get('PROBE_KILL_AFTER_ITER', '0')):
            os.kill(os.getpid(), signal.SIGKILL)


def _patch_checkpoint_writes(on_nth_write) -> None:
    """Route mmengine's local file writes of ``*.pth`` files through ``on_nth_write``."""
    from mmengine.fileio.backends import LocalBackend

    original = LocalBackend.put
    count = {'n': 0}

    def put(self, obj, filepath):
        if not str(filepath).endswith(('.pth', '.pth.partial')):  # .iter_N.pth.partial too
            return original(self, obj, filepath)
        count['n'] += 1
        return on_nth_write(count['n'], original, self, obj, str(filepath))

    LocalBackend.put = put


@HOOKS.register_module()
class SlowCheckpointWriteProbeHook(Hook):
    """The ``$PROBE_SLOW_WRITE``-th checkpoint write stalls half written.

    It writes half the bytes where the checkpoint goes, writes the path it is
    writing into ``saving.marker`` in the work dir, then sleeps for a kill.
    """

    def before_train(self, runner) -> None:
        nth = int(os.environ.get('PROBE_SLOW_WRITE', '2'))
        marker = osp.join(runner.work_dir, 'saving.marker')

        def write(n, original, backend, obj, filepath):
            if n != nth:
                return original(backend, obj, filepath)
            with open(filepath, 'wb') as f:
                f.write(obj[: len(obj) // 2])
                f.flush()
            with open(marker, 'w') as f:
                f.write(filepath)
            time.sleep(600)

        _patch_checkpoint_writes(write)


@HOOKS.register_module()
class DiskFullProbeHook(Hook):
    """The ``$PROBE_DISK_FULL_WRITE``-th checkpoint write fills the disk half way (ENOSPC)."""

    def before_train(self, runner) -> None:
        nth = int(os.environ.get('PROBE_DISK_FULL_WRITE', '2'))

        def write(n, original, backend, obj, filepath):
            if n != nth:
                return original(backend, obj, filepath)
            with open(filepath, 'wb') as f:
                f.write(obj[: len(obj) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), filepath)

        _patch_checkpoint_writes(write)


@HOOKS.register_module()
class LogDiskFullProbeHook(Hook):
    """From iteration ``$PROBE_LOG_DISK_FULL_ITER`` on, the log file's disk is full."""

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if runner.iter + 1 == int(os.environ.get('PROBE_LOG_DISK_FULL_ITER', '3')):
            for handler in runner.logger.handlers:
                if isinstance(handler, logging.FileHandler):
                    handler.stream = _FullDisk()


def _write_marker(runner, name: str) -> None:
    with open(osp.join(runner.work_dir, name), 'w') as f:
        f.write(str(os.getpid()))


@HOOKS.register_module()
class SleepAfterIterProbeHook(Hook):
    """After iteration ``$PROBE_SLEEP_AFTER_ITER`` (saved first) writes ``sleeping.marker``, sleeps.

    For a test to send a signal to a run that is busy training.
    """

    priority = 'LOWEST'

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == int(os.environ.get('PROBE_SLEEP_AFTER_ITER', '0')):
            _write_marker(runner, 'sleeping.marker')
            time.sleep(600)


@HOOKS.register_module()
class SlowExitProbeHook(Hook):
    """At interpreter exit writes ``exiting.marker`` and takes 3 s (a slow worker shutdown)."""

    def before_train(self, runner) -> None:
        import atexit

        def slow_exit():
            _write_marker(runner, 'exiting.marker')
            time.sleep(3)

        atexit.register(slow_exit)


@HOOKS.register_module()
class SleepAfterTestIterProbeHook(Hook):
    """After the first test batch writes ``testing.marker`` in the work dir and sleeps."""

    priority = 'LOWEST'

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if batch_idx == 0:
            _write_marker(runner, 'testing.marker')
            time.sleep(600)


@HOOKS.register_module()
class LogitsRecordProbeHook(Hook):
    """Saves ``test_logits.pth``: ``{image path: seg_logits (C, H, W)}`` of the test loop."""

    def before_test(self, runner) -> None:
        self.logits = {}

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        for sample in outputs or []:
            self.logits[sample.img_path] = sample.seg_logits.data.detach().cpu().clone()

    def after_test(self, runner) -> None:
        torch.save(self.logits, osp.join(runner.work_dir, 'test_logits.pth'))
