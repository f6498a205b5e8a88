"""A Runner that checks its input once, trains distributed on CPU and loses nothing.

Selected by ``runner_type = 'AttnUNetRunner'`` in
``configs/_base_/default_runtime.py``, so mmseg's own ``tools/train.py`` and
``tools/test.py`` (which call ``RUNNERS.build(cfg)`` when the config names a
runner type) get the same behaviour as this repository's tools:

- one preflight: what the config alone decides (stage tuples, input sizes)
  before the model is built, then the data and the checkpoint (read once,
  checked to fit the model, then used for loading without a second read)
  before anything is trained or evaluated;
- checkpoints written complete or not at all, old ones removed only after
  the new one is in place (:class:`SafeCheckpointHook`), never with
  non-finite weights (:class:`DivergenceGuardHook` stops a diverging run),
  and ``--resume`` falling back to the newest loadable checkpoint;
- exact resume: the random state is saved with every checkpoint and put
  back where the run stopped (:class:`ResumableIterBasedTrainLoop`);
- a work dir taken before anything is written into it: locked while a
  training run writes there, and a fresh run refused where another run's
  checkpoints lie unless it resumes or overwrites (:mod:`.work_dir`);
- one copy of each pipeline in the config it runs and dumps
  (:mod:`.config_pipelines`), and test outputs that appear only complete.

On CUDA it behaves like mmengine's :class:`~mmengine.runner.Runner` otherwise.
"""

import copy
import logging
import os.path as osp

import torch.nn as nn
from mmengine.dist import barrier, master_only
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner import IterBasedTrainLoop, Runner
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model

from attn_unet.errors import disk_full_error, disk_full_reason
from attn_unet.fileio import atomic_write
from attn_unet.registry import RUNNERS

from .checkpoint import (
    check_state_dict_fits,
    checkpoint_step,
    first_non_finite,
    load_checkpoint_file,
)
from .config_pipelines import reconcile_with_config_file
from .cpu_ddp import needs_cpu_ddp, setup_cpu_dist, wrap_cpu_ddp
from .hooks import DivergenceGuardHook, SafeCheckpointHook, diverged_error
from .log_files import stop_on_log_write_errors
from .loops import ResumableIterBasedTrainLoop
from .memory_format import apply_memory_format
from .path_kinds import check_folder_path
from .preflight import check_dataloaders, check_datasets, check_input_sizes
from .resume import check_something_left_to_train, find_checkpoint_to_resume
from .rng import capture_rng_state
from .staged_test_output import StagedTestOutput
from .work_dir import claim_for_training, claim_work_dir, config_copy_name, remove_stale_partials

__all__ = ['AttnUNetRunner']

DIVERGENCE_GUARD = 'divergence_guard'  # the default hook's name in default_hooks


@RUNNERS.register_module()
class AttnUNetRunner(Runner):
    """mmengine's Runner plus one preflight, safe checkpoints, exact resume, CPU DDP.

    Extra top-level config keys:
        overwrite: ``True`` lets a fresh training run start in a work dir that
            holds another run's checkpoints, moving those into
            ``replaced_<timestamp>/`` first (``tools/train.py --overwrite``).
        model_memory_format: ``'channels_last'`` converts the model and its
            inputs (default: leave as is).
        cpu_sync_bn: ``'sync'`` (default) keeps SyncBN synchronised across
            CPU ranks with gloo all-reduce; ``'local'`` turns it into BN, each
            rank normalising its own batch.
    """

    def __init__(self, *args, **kwargs) -> None:
        self._preflight_done = False
        self._work_dir_ready = False
        self._checked_checkpoints: dict = {}
        self._loaded_meta: dict = {}
        self._work_dir_lock = None
        self._claim_note = None
        self._resume_found = None
        self._staged_outputs: list = []
        super().__init__(*args, **kwargs)
        stop_on_log_write_errors(self.logger)

    # -- the preflight: once, before anything is trained or evaluated ----------------------

    @classmethod
    def from_cfg(cls, cfg, mode: str = 'train') -> 'AttnUNetRunner':
        """Check what the config alone decides, take the work dir for training, then build.

        These checks need no file and must come before the model is built: mmseg's
        UNet asserts on per-stage tuples that do not fit ``num_stages``. A training
        run takes its work dir here, before mmengine's Runner creates the log folder
        in it, so that a refused run (the work dir busy, or holding another run's
        checkpoints) writes nothing.

        Args:
            cfg: the full config.
            mode: ``'train'`` (the default: mmseg's ``tools/train.py`` reaches this
                through ``RUNNERS.build(cfg)``), ``'val'`` or ``'test'``.

        Raises:
            ToolError: one line naming the problem and the fix.
        """
        check_folder_path(cfg['work_dir'], 'work dir')
        check_input_sizes(cfg)
        check_dataloaders(cfg)
        if mode != 'train':
            return super().from_cfg(cfg)
        cfg = copy.deepcopy(cfg)
        reconcile_with_config_file(cfg)
        lock, note, found = claim_for_training(cfg)
        try:
            runner = super().from_cfg(cfg)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        runner._work_dir_lock, runner._claim_note, runner._resume_found = lock, note, found
        return runner

    def preflight(self, mode: str) -> None:
        """Check the data and the checkpoint ``mode`` will use; each file is read once.

        The config-only checks ran in :meth:`from_cfg`, before the model was built.

        Args:
            mode: ``'train'``, ``'val'`` or ``'test'``.

        Raises:
            ToolError: (or ``DatasetLayoutError``) one line naming the problem.
        """
        if self._preflight_done:
            return
        check_datasets(self.cfg, mode)
        if mode == 'train' and self._resume:
            self._check_resume_checkpoint()
        elif self._load_from:
            purpose = 'load_from' if mode == 'train' else 'test'
            checkpoint = load_checkpoint_file(self._load_from, purpose)
            check_state_dict_fits(self._bare_model(), checkpoint, self._load_from)
            self._checked_checkpoints[self._load_from] = checkpoint
        self._preflight_done = True

    def _check_resume_checkpoint(self) -> None:
        path, checkpoint, note = self._resume_found or find_checkpoint_to_resume(self.cfg)
        self._resume_found = None
        if note:
            print_log(note, logger='current', level=logging.WARNING)
        if path is None:
            return
        # mmengine resumes from load_from when it is set: the file checked here.
        self._load_from = path
        check_state_dict_fits(self._bare_model(), checkpoint, path, allow_fresh_gates=False)
        check_something_left_to_train(self.cfg.get('train_cfg'), path, checkpoint)
        self._checked_checkpoints[path] = checkpoint
        seed = checkpoint['meta'].get('seed')
        if seed is not None and seed != self._randomness_cfg.get('seed'):
            # Before the data loader is built, so its sampler shuffles as the saved run did.
            self._randomness_cfg.update(seed=seed)
            self.set_randomness(**self._randomness_cfg)

    def _bare_model(self) -> nn.Module:
        model = self.model.module if is_model_wrapper(self.model) else self.model
        return model.module if isinstance(model, BaseTTAModel) else model

    def load_checkpoint(
        self, filename: str, map_location='cpu', strict: bool = False, revise_keys=None
    ):
        """mmengine's ``load_checkpoint``, taking the file the preflight already read."""
        checkpoint = self._checked_checkpoints.pop(filename, None)
        if checkpoint is None:
            checkpoint = _load_checkpoint(filename, map_location=map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        checkpoint = _load_checkpoint_to_model(
            model, checkpoint, strict, revise_keys=revise_keys or [(r'^module.', '')]
        )
        self._loaded_meta = checkpoint.get('meta') or {}
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def resume(self, filename: str, *args, **kwargs) -> None:
        """mmengine's resume, then the saved random state for the training loop."""
        super().resume(filename, *args, **kwargs)
        rng_state = self._loaded_meta.get('rng_state')
        if rng_state is not None and isinstance(self.train_loop, ResumableIterBasedTrainLoop):
            self.train_loop.resume_rng_state = rng_state

    # -- writing: a locked work dir, complete checkpoints ----------------------------------

    def dump_config(self) -> None:
        """Write the config once the run may write (deferred from ``__init__``)."""
        if self._work_dir_ready:
            super().dump_config()

    @master_only
    def _dump_config_into(self, folder: str) -> None:
        name = osp.basename(self.cfg.filename) if self.cfg.filename else f'{self.timestamp}.py'
        self.cfg.dump(osp.join(folder, name))

    def _take_work_dir(self) -> None:
        if self.rank == 0:
            if self._work_dir_lock is None:  # built without from_cfg
                self._work_dir_lock, self._claim_note = claim_work_dir(
                    self.work_dir,
                    resume=bool(self._resume),
                    overwrite=bool(self.cfg.get('overwrite')),
                    config_copy=config_copy_name(self.cfg),
                    keep=(self.timestamp,),
                )
            remove_stale_partials(self.work_dir)  # this run holds the lock: nobody writes them
        if self._claim_note:
            self.logger.info(self._claim_note)
        self._work_dir_ready = True

    def _release_work_dir(self) -> None:
        if self._work_dir_lock is not None:
            self._work_dir_lock.release()
            self._work_dir_lock = None

    def save_checkpoint(self, out_dir: str, filename: str, *args, **kwargs) -> None:
        """mmengine's save_checkpoint, refused for non-finite weights, written complete.

        Every rank checks the weights (they are the same under DDP), so that all stop
        together; rank 0 writes.

        Raises:
            TrainingDivergedError: a weight or buffer is nan or inf (nothing is written).
            ToolError: the disk is full (the partial file is removed).
        """
        bad = first_non_finite(self._bare_model().state_dict())
        if bad:
            step = checkpoint_step(filename)
            raise diverged_error(
                step if step >= 0 else self.iter,
                f'the weights are no longer finite ({bad[0]} holds {bad[1]}), so {filename} '
                'is not written',
                self.work_dir,
            )
        self._write_checkpoint(out_dir, filename, *args, **kwargs)

    @master_only
    def _write_checkpoint(self, out_dir: str, filename: str, *args, meta=None, **kwargs) -> None:
        """Write under a hidden ``.NAME.pth.partial`` name, flush, rename; the random state in meta.

        ``out_dir/filename`` is never a truncated file.
        """
        meta = dict(meta or {})
        meta['rng_state'] = capture_rng_state()
        path = osp.join(out_dir, filename)
        if '://' in out_dir:  # remote backends write objects whole
            return super().save_checkpoint(out_dir, filename, *args, meta=meta, **kwargs)
        try:
            with atomic_write(path, keep_suffix=False) as partial:  # .iter_N.pth.partial
                super().save_checkpoint(out_dir, osp.basename(partial), *args, meta=meta, **kwargs)
        except BaseException as exc:
            if disk_full_reason(exc):
                raise disk_full_error(exc, f'checkpoint {path}') from exc
            raise

    # -- building: hooks, the train loop, gloo and CPU DDP where there is no CUDA ----------

    def register_default_hooks(self, hooks=None) -> None:
        """Register hooks, with :class:`SafeCheckpointHook` where ``CheckpointHook`` is named.

        :class:`DivergenceGuardHook` is added as ``divergence_guard`` unless the
        config sets ``default_hooks.divergence_guard=None``.
        """
        hooks = dict(hooks or {})
        if hooks.get(DIVERGENCE_GUARD, {}) is None:
            hooks.pop(DIVERGENCE_GUARD)
        else:
            hooks.setdefault(DIVERGENCE_GUARD, dict(type=DivergenceGuardHook))
        checkpoint = hooks.get('checkpoint', dict(type='CheckpointHook', interval=1))
        if isinstance(checkpoint, dict) and checkpoint.get('type') in (
            'CheckpointHook',
            CheckpointHook,
        ):
            hooks['checkpoint'] = {**checkpoint, 'type': SafeCheckpointHook}
        super().register_default_hooks(hooks)

    def build_train_loop(self, loop):
        """Build the train loop; mmengine's iteration loop becomes the exactly resuming one."""
        if isinstance(loop, dict):
            loop = dict(loop)
            if loop.get('type') in ('IterBasedTrainLoop', IterBasedTrainLoop) or (
                'type' not in loop and loop.get('by_epoch') is False
            ):
                loop.pop('by_epoch', None)
                loop['type'] = ResumableIterBasedTrainLoop
        return super().build_train_loop(loop)

    def setup_env(self, env_cfg: dict) -> None:
        if self.distributed:
            setup_cpu_dist(self.launcher, env_cfg)
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg, model: nn.Module) -> nn.Module:
        memory_format = self.cfg.get('model_memory_format')
        if memory_format and not is_model_wrapper(model):
            apply_memory_format(model, memory_format)
            self.logger.info(f'model and inputs use memory format {memory_format}')
        if needs_cpu_ddp(self.distributed, model):
            return wrap_cpu_ddp(model, self.cfg, model_wrapper_cfg, self.logger)
        return super().wrap_model(model_wrapper_cfg, model)

    # -- running: train, val, test ---------------------------------------------------------

    def train(self) -> nn.Module:
        # The work dir was taken in from_cfg (before anything was written there); the
        # lock is held until training ends, whatever ends it.
        try:
            self.preflight('train')
            self._take_work_dir()
            self.dump_config()
            return super().train()
        finally:
            self._release_work_dir()

    def val(self) -> dict:
        self.preflight('val')
        self._dump_config_into(self.log_dir)
        return super().val()

    def stage_test_output(self, out_dir: str, what: str = '--out') -> None:
        """Have the test evaluator write ``out_dir`` under a hidden name, renamed when complete.

        Call before :meth:`test`; the evaluator whose ``output_dir`` is ``out_dir``
        writes into ``.NAME.partial`` beside it (the dumped config keeps ``out_dir``).

        Raises:
            PathKindError: ``out_dir`` is a file or a folder that holds files.
        """
        staged = StagedTestOutput(out_dir, what)
        staged.check()
        evaluators = self._test_evaluator
        for evaluator in evaluators if isinstance(evaluators, (list, tuple)) else [evaluators]:
            target = evaluator.get('output_dir') if isinstance(evaluator, dict) else None
            if target and osp.abspath(target) == staged.path:
                evaluator['output_dir'] = staged.partial
        self._staged_outputs.append(staged)

    def test(self) -> dict:
        self.preflight('test')
        self._dump_config_into(self.log_dir)
        if self.rank == 0:
            for staged in self._staged_outputs:
                staged.prepare()
        barrier()  # no rank writes before a stale hidden folder is gone
        try:
            metrics = super().test()
        except BaseException:
            if self.rank == 0:
                for staged in self._staged_outputs:
                    staged.discard()
            raise
        barrier()
        if self.rank == 0:
            for staged in self._staged_outputs:
                staged.publish()
        return metrics
