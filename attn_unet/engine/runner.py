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
import os
import os.path as osp

import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.dist import barrier, is_distributed, master_only
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log
from mmengine.model import (
    BaseTTAModel,
    MMDistributedDataParallel,
    convert_sync_batchnorm,
    is_model_wrapper,
    revert_sync_batchnorm,
)
from mmengine.runner import IterBasedTrainLoop, Runner
from mmengine.runner.checkpoint import _load_checkpoint, _load_checkpoint_to_model

from attn_unet.errors import disk_full_error, disk_full_reason
from attn_unet.fileio import atomic_write, is_partial_name
from attn_unet.registry import MODEL_WRAPPERS, RUNNERS

from .checkpoint import (
    check_state_dict_fits,
    checkpoint_step,
    first_non_finite,
    load_checkpoint_file,
)
from .config_pipelines import pipeline_copies_disagree, reconcile_pipelines
from .dist import check_launcher_env, init_cpu_dist, launcher_rank
from .hooks import DivergenceGuardHook, SafeCheckpointHook, diverged_error
from .log_files import stop_on_log_write_errors
from .loops import ResumableIterBasedTrainLoop
from .path_kinds import check_folder_path
from .preflight import check_dataloaders, check_datasets, check_input_sizes
from .resume import check_something_left_to_train, find_checkpoint_to_resume
from .rng import capture_rng_state
from .staged_test_output import StagedTestOutput
from .sync_bn import convert_sync_bn_to_cpu
from .work_dir import check_fresh_start, claim_work_dir
from .work_dir_lock import WorkDirLock

__all__ = ['AttnUNetRunner', 'apply_memory_format']

DIVERGENCE_GUARD = 'divergence_guard'  # the default hook's name in default_hooks
MEMORY_FORMATS = {'channels_last': torch.channels_last, 'contiguous': torch.contiguous_format}


def _inputs_to(memory_format: torch.memory_format):
    def hook(module: nn.Module, args, output):
        inputs = output.get('inputs') if isinstance(output, dict) else None
        if torch.is_tensor(inputs) and inputs.dim() == 4:
            output['inputs'] = inputs.contiguous(memory_format=memory_format)
        return output

    return hook


def apply_memory_format(model: nn.Module, name: str) -> nn.Module:
    """Put ``model``'s weights and its preprocessed inputs in memory format ``name``.

    Args:
        model: a segmentor; if it has a ``data_preprocessor``, the batch it
            returns (``inputs`` of shape (N, C, H, W)) is converted too.
        name: ``'channels_last'`` or ``'contiguous'``.
    """
    if name not in MEMORY_FORMATS:
        raise ValueError(f'model_memory_format must be one of {list(MEMORY_FORMATS)}, got {name!r}')
    memory_format = MEMORY_FORMATS[name]
    model.to(memory_format=memory_format)
    preprocessor = getattr(model, 'data_preprocessor', None)
    if isinstance(preprocessor, nn.Module):
        preprocessor.register_forward_hook(_inputs_to(memory_format))
    return model


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
        _reconcile_with_config_file(cfg)
        lock, note, found = _claim_for_training(cfg)
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
                    config_copy=_config_copy_name(self.cfg),
                    keep=(self.timestamp,),
                )
            # Left by a run killed while saving; this run holds the lock, nobody writes them.
            for name in os.listdir(self.work_dir):
                stale = osp.join(self.work_dir, name)
                if is_partial_name(name) and osp.isfile(stale):  # a hidden test output folder
                    os.remove(stale)  # is not ours to clear
        if self._claim_note:
            self.logger.info(self._claim_note)
        self._work_dir_ready = True

    def _release_work_dir(self) -> None:
        if self._work_dir_lock is not None:
            self._work_dir_lock.release()
            self._work_dir_lock = None

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
        """Write under a hidden ``.NAME.partial.pth`` name, flush, rename; the random state in meta.

        ``out_dir/filename`` is never a truncated file.
        """
        meta = dict(meta or {})
        meta['rng_state'] = capture_rng_state()
        path = osp.join(out_dir, filename)
        if '://' in out_dir:  # remote backends write objects whole
            return super().save_checkpoint(out_dir, filename, *args, meta=meta, **kwargs)
        try:
            with atomic_write(path) as partial:
                super().save_checkpoint(out_dir, osp.basename(partial), *args, meta=meta, **kwargs)
        except BaseException as exc:
            if disk_full_reason(exc):
                raise disk_full_error(exc, f'checkpoint {path}') from exc
            raise

    def setup_env(self, env_cfg: dict) -> None:
        if self.distributed:
            check_launcher_env(self.launcher)
        if self.distributed and not is_distributed() and not torch.cuda.is_available():
            dist_cfg = dict(env_cfg.get('dist_cfg') or {})
            dist_cfg.pop('init_backend', None)
            init_cpu_dist(self.launcher, dist_cfg.pop('backend', 'gloo'), **dist_cfg)
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg, model: nn.Module) -> nn.Module:
        memory_format = self.cfg.get('model_memory_format')
        if memory_format and not is_model_wrapper(model):
            apply_memory_format(model, memory_format)
            self.logger.info(f'model and inputs use memory format {memory_format}')
        if not self.distributed or torch.cuda.is_available() or is_model_wrapper(model):
            return super().wrap_model(model_wrapper_cfg, model)
        return self._wrap_cpu_ddp(model_wrapper_cfg, model)

    def _wrap_cpu_ddp(self, model_wrapper_cfg, model: nn.Module) -> nn.Module:
        if self.cfg.get('sync_bn') is not None:
            model = convert_sync_batchnorm(model, self.cfg.sync_bn)
        if self.cfg.get('cpu_sync_bn', 'sync') == 'local':
            model = revert_sync_batchnorm(model)
            self.logger.info(
                'CPU distributed training: SyncBN converted to BN, each rank normalises '
                'with the statistics of its own batch'
            )
        else:
            model = convert_sync_bn_to_cpu(model)
            self.logger.info(
                'CPU distributed training: SyncBN kept synchronised across ranks '
                '(gloo all-reduce of batch statistics)'
            )
        if model_wrapper_cfg is None:
            return MMDistributedDataParallel(
                module=model,
                broadcast_buffers=False,
                find_unused_parameters=self.cfg.get('find_unused_parameters', False),
            )
        model_wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
        return MODEL_WRAPPERS.build(model_wrapper_cfg, default_args=dict(module=model))

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


def _config_copy_name(cfg) -> str | None:
    """The file name mmengine's ``dump_config`` gives the config copy in the work dir."""
    return osp.basename(cfg.filename) if getattr(cfg, 'filename', None) else None


def _claim_for_training(cfg) -> tuple:
    """The refusals a training run gets before anything is written, then its work dir.

    Returns:
        ``(lock, note, found)``: the held lock and the ``--overwrite`` note (None on
        ranks other than 0) and the checkpoint a resume continues from (see
        :func:`~attn_unet.engine.resume.find_checkpoint_to_resume`).
    """
    launcher = cfg.get('launcher', 'none')
    if launcher != 'none':
        check_launcher_env(launcher)
    work_dir, resume, overwrite = (
        cfg['work_dir'],
        bool(cfg.get('resume')),
        bool(cfg.get('overwrite')),
    )
    is_rank_0 = launcher_rank(launcher) == 0
    if is_rank_0:  # the busy work dir first: its checkpoints are another run's, live
        WorkDirLock(work_dir).refuse_if_held()
        check_fresh_start(work_dir, resume, overwrite)
    found = (None, None, None)
    if resume:
        found = find_checkpoint_to_resume(cfg)
        if found[0] is not None:
            check_something_left_to_train(cfg.get('train_cfg'), found[0], found[1])
    if not is_rank_0:
        return None, None, found
    lock, note = claim_work_dir(work_dir, resume, overwrite, config_copy=_config_copy_name(cfg))
    return lock, note, found


def _reconcile_with_config_file(cfg) -> None:
    """Reconcile pipeline copies that ``--cfg-options`` merged elsewhere left apart.

    This repository's tools reconcile as they merge (``attn_unet.apis.load_config``);
    mmseg's own ``tools/train.py`` merges itself, so its config is compared with the
    file it came from.
    """
    filename = getattr(cfg, 'filename', None)
    if not pipeline_copies_disagree(cfg) or not filename or not osp.isfile(filename):
        return
    reconcile_pipelines(cfg, Config.fromfile(filename))
