"""A Runner that checks its input once, trains distributed on CPU and loses nothing.

Selected by ``runner_type`` in ``configs/_base_/default_runtime.py``. This repository's
``tools/train.py`` and ``tools/test.py`` build it, and so does mmseg 1.2.2's own
``tools/train.py`` (``RUNNERS.build``); mmseg's ``tools/test.py`` builds mmengine's plain
Runner (``Runner.from_cfg``), without the preflight and the staged ``--out`` folder.

What it adds to mmengine's Runner, and nothing else (the guards that are hooks are named by
the config, :mod:`.named_hooks`):

- one preflight: what the config alone decides before the model is built, then the data
  and the checkpoint (read once, checked to fit, loaded without a second read);
- a work dir claimed before anything is written into it (:mod:`.work_dir`), a resume that
  continues with the saved seed;
- checkpoints written whole (a hidden partial file, renamed) and never with non-finite
  weights;
- gloo and CPU DDP where there is no CUDA, ``model_memory_format``, and the
  ``after_build_dataloader`` hook event (a hook may change a dataset before the loader's
  workers copy it);
- one copy of each pipeline in the config it runs and dumps, test outputs that appear whole.
"""

import copy
import logging
import os.path as osp

import torch.nn as nn
from mmengine.dist import barrier, master_only
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model

from attn_unet.checkpoints import check_state_dict_fits, checkpoint_step, load_checkpoint_file
from attn_unet.datasets.config_pipelines import reconcile_with_config_file
from attn_unet.errors import disk_full_error, disk_full_reason
from attn_unet.fileio import StagedNewFolder, atomic_write, check_folder_path
from attn_unet.models.utils import apply_memory_format
from attn_unet.registry import RUNNERS

from .cpu_ddp import needs_cpu_ddp, setup_cpu_dist, wrap_cpu_ddp
from .dist import check_gpu_per_process
from .hooks import agree_across_ranks, diverged_error, non_finite_weight
from .log_files import stop_on_log_write_errors
from .named_hooks import check_named_hooks
from .preflight import check_compact_labels, check_dataloaders, check_datasets, check_input_sizes
from .work_dir import claim_for_training, remove_stale_partials

__all__ = ['AttnUNetRunner']


@RUNNERS.register_module()
class AttnUNetRunner(Runner):
    """mmengine's Runner plus one preflight, complete checkpoints, a locked work dir, CPU DDP.

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
        checkpoints) writes nothing. A resume continues from the checkpoint found here,
        with the seed it was saved with, so the sampler shuffles as the saved run did.

        Args:
            cfg: the full config.
            mode: ``'train'`` (the default: mmseg's ``tools/train.py`` reaches this
                through ``RUNNERS.build(cfg)``), ``'val'`` or ``'test'``.

        Raises:
            ToolError: one line naming the problem and the fix.
        """
        check_folder_path(cfg['work_dir'], 'work dir')
        check_named_hooks(cfg, training=mode == 'train')
        check_input_sizes(cfg)
        check_dataloaders(cfg)
        if mode != 'train':
            return super().from_cfg(cfg)
        cfg = copy.deepcopy(cfg)
        reconcile_with_config_file(cfg)
        check_compact_labels(cfg)  # the pipeline the loader will run, overrides reconciled
        lock, note, found = claim_for_training(cfg)
        path, checkpoint, _ = found
        if path is not None:
            cfg.load_from = path  # mmengine resumes from load_from when it is set
            seed = (checkpoint.get('meta') or {}).get('seed')
            if seed is not None:
                cfg.randomness = {**(cfg.get('randomness') or {}), 'seed': seed}
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
            path, checkpoint, note = self._resume_found or (None, None, None)
            if note:
                print_log(note, logger='current', level=logging.WARNING)
            if path is not None:
                self._load_from = path
                check_state_dict_fits(self._bare_model(), checkpoint, path, allow_fresh_gates=False)
                self._checked_checkpoints[path] = checkpoint
        elif self._load_from:
            purpose = 'load_from' if mode == 'train' else 'test'
            checkpoint = load_checkpoint_file(self._load_from, purpose)
            check_state_dict_fits(self._bare_model(), checkpoint, self._load_from)
            self._checked_checkpoints[self._load_from] = checkpoint
        self._preflight_done = True

    def _bare_model(self) -> nn.Module:
        model = self.model.module if is_model_wrapper(self.model) else self.model
        return model.module if isinstance(model, BaseTTAModel) else model

    def load_checkpoint(
        self,
        filename: str,
        map_location='cpu',
        strict: bool = False,
        revise_keys: list = [(r'^module.', '')],
    ):
        """mmengine 0.10.7's ``Runner.load_checkpoint``, taking the file the preflight read.

        A copy of the original but for its first line (the read);
        ``tests/unit/test_engine/test_mmengine_copies.py`` fails, naming this method,
        when the installed mmengine's original differs from the one copied.
        """
        checkpoint = self._checked_checkpoints.pop(filename, None)
        if checkpoint is None:
            return super().load_checkpoint(filename, map_location, strict, revise_keys)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

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

        Every rank checks its weights and buffers (one fused reduction) and the ranks
        agree, so that all stop together; rank 0 writes.

        Raises:
            TrainingDivergedError: a weight or buffer is nan or inf (nothing is written).
            ToolError: the disk is full (the partial file is removed).
        """
        where = non_finite_weight(self._bare_model())
        (bad,) = agree_across_ranks(where is not None)
        if bad:
            step = checkpoint_step(filename)
            named = f'{where[0]} holds {where[1]}' if where else 'on another rank'
            raise diverged_error(
                step if step >= 0 else self.iter,
                f'the weights are no longer finite ({named}), so {filename} is not written',
                self.work_dir,
            )
        self._write_checkpoint(out_dir, filename, *args, **kwargs)

    @master_only
    def _write_checkpoint(self, out_dir: str, filename: str, *args, **kwargs) -> None:
        """Write under a hidden ``.NAME.pth.partial`` name, flush, rename.

        ``out_dir/filename`` is never a truncated file.
        """
        path = osp.join(out_dir, filename)
        if '://' in out_dir:  # remote backends write objects whole
            return super().save_checkpoint(out_dir, filename, *args, **kwargs)
        try:
            with atomic_write(path, keep_suffix=False) as partial:  # .iter_N.pth.partial
                super().save_checkpoint(out_dir, osp.basename(partial), *args, **kwargs)
        except BaseException as exc:
            if disk_full_reason(exc):
                raise disk_full_error(exc, f'checkpoint {path}') from exc
            raise

    # -- building: data loaders, gloo and CPU DDP where there is no CUDA -------------------

    def build_dataloader(self, dataloader, seed=None, diff_rank_seed: bool = False):
        """mmengine's ``build_dataloader``, then the ``after_build_dataloader`` hook event.

        The event comes before the loop starts the loader's workers, so a hook can change
        the dataset they copy (mmengine calls any method a hook defines by that name).
        """
        loader = Runner.build_dataloader(dataloader, seed=seed, diff_rank_seed=diff_rank_seed)
        self.call_hook('after_build_dataloader', dataloader=loader)
        return loader

    def setup_env(self, env_cfg: dict) -> None:
        if self.distributed:
            check_gpu_per_process()
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
        if self._resume_found is None:
            raise RuntimeError(
                'build AttnUNetRunner with AttnUNetRunner.from_cfg(cfg) (as RUNNERS.build does) '
                'to train: it takes the work dir first'
            )
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
        staged = StagedNewFolder(out_dir, what)
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
