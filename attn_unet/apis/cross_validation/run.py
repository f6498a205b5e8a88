"""What ``tools/cross_validate.py`` does: train the folds, predict out of fold, score, choose.

In the cross-validation folder (``--work-dir``, by default ``work_dirs/<config name with
cv for fold<k>>``)::

    configs/<config>-fold<k>-...py   each fold's config (:mod:`.fold_configs`)
    fold_<k>/                        its tools/train.py work dir (:mod:`.fold_training`)
    fold_<k>/validation/             its validation cases predicted (:mod:`.validation`)
    crossval.json                    each trained fold's config and final checkpoint
                                     (what tools/predict.py ensembles)
    summary.json                     every case's DSC and HD95 per class, the means
    postprocessing.json              the postprocessing chosen on them (:mod:`.scoring`)

The folder is held by one cross-validation at a time (a lock, as a work dir is held by one
training run). Everything the config and options decide is checked before the first fold
trains; a run stopped anywhere is continued by the same command.
"""

import json
import os
import os.path as osp
import re
import sys
from dataclasses import dataclass, field
from typing import List

from attn_unet.checkpoints import (
    CV_RECORD,
    POSTPROCESSING_FILE,
    SUMMARY_FILE,
    FoldModel,
    fold_dir,
    write_fold_models,
)
from attn_unet.datasets.decathlon import DecathlonConvertError, read_raw_set
from attn_unet.errors import ToolError
from attn_unet.fileio import ProcessLock, is_partial_name, write_text_atomically
from attn_unet.fileio.process_lock import LOCK_FILENAME
from attn_unet.slicing.slice_plan import SlicePlan

from ..cli import ToolWording
from ..config import load_config
from ..dict_action import parse_cfg_options
from .fold_configs import (
    CONVERSION_RECORD,
    FoldSet,
    cv_name,
    find_fold_set,
    fold_config_name,
    fold_config_text,
)
from .fold_training import FoldJob, card_slots, fold_status, run_fold_jobs, train_command
from .scoring import ScoredCase, score_out_of_fold, write_postprocessing, write_summary
from .validation import VALIDATION_FOLDER, cases_of, predict_validation

__all__ = ['CV_WORDING', 'CrossValidationOptions', 'run_cross_validation']

_FOLD_DIR = re.compile(r'^fold_\d+$')

CV_WORDING = ToolWording(
    outputs='the cross-validation folder',
    option='--work-dir',
    writable='--work-dir',
    kept='finished checkpoints are intact',
    rerun='rerun the same command: finished folds are kept, a stopped one resumes',
)


@dataclass
class CrossValidationOptions:
    """How ``tools/cross_validate.py`` runs; the defaults are its command line's.

    Attributes:
        folds: the folds to train and score (None: all the conversion split).
        work_dir: the cross-validation folder (None: ``work_dirs/<cv name>``).
        gpus: folds trained at once, one per card (1: one after another).
        device: where the validation cases are predicted (None: cuda if there, else cpu).
        cfg_options: ``--cfg-options`` as typed, passed to every fold's ``tools/train.py``.
        amp: ``tools/train.py --amp`` for every fold.
        batch_size: slices per forward pass when predicting.
        progress: show progress bars while predicting.
    """

    folds: List[int] | None = None
    work_dir: str | None = None
    gpus: int = 1
    device: str | None = None
    cfg_options: List[str] = field(default_factory=list)
    amp: bool = False
    batch_size: int = 8
    progress: bool = True


class CrossValidationLock(ProcessLock):
    """One cross-validation per folder."""

    def busy_error(self, holder: str) -> ToolError:
        return ToolError(
            f'cross-validation folder {self.folder} is in use by {holder or "another process"}: '
            'wait for it to end, or pass another --work-dir'
        )


def run_cross_validation(config: str, options: CrossValidationOptions, train_script: str) -> dict:
    """Train, predict, score and choose; see the module doc.

    Args:
        config: a config a conversion wrote (any fold), or the converted folder (its
            AttentionUNet config).
        options: how to run.
        train_script: the ``tools/train.py`` each fold runs.

    Returns:
        ``dict(folder, summary, postprocessing)``.

    Raises:
        ToolError: one line naming the problem and the fix.
        SystemExit: a fold's ``tools/train.py`` refused its input (its line said why).
    """
    config = _config_of(config)
    cfg_options = parse_cfg_options(options.cfg_options) if options.cfg_options else None
    cfg = load_config(config, cfg_options)
    fold_set = find_fold_set(config, cfg)
    folds = _folds(options.folds, fold_set)
    slots = card_slots(options.gpus)
    raw = _raw_set(fold_set)
    plan = SlicePlan.from_record(fold_set.record['volume_slices'])
    cases = {k: cases_of(raw, fold_set.folds[k]['val']) for k in folds}
    folder = options.work_dir or cfg.get('work_dir') or osp.join('work_dirs', cv_name(config))
    _check_folder(folder)
    device = options.device or _default_device()
    lock = CrossValidationLock(folder)
    lock.acquire()
    try:
        models = _train(fold_set, folds, folder, cfg.get('train_cfg'), options, slots,
                        train_script)  # fmt: skip
        about = dict(
            config=fold_set.config,
            data_root=fold_set.data_root,
            dataset=fold_set.record.get('dataset', {}).get('name'),
            num_folds=len(fold_set.folds),
            cfg_options=list(options.cfg_options),
        )
        trained = {m.fold: m for m in _recorded_models(folder) + models}  # this run's last
        write_fold_models(folder, list(trained.values()), about)
        scored = []
        for model in models:
            predicted = predict_validation(
                model, cases[model.fold], osp.join(fold_dir(folder, model.fold), VALIDATION_FOLDER),
                device, options.batch_size, options.progress,
                allow_non_finite=bool(fold_set.record.get('non_finite')),
            )  # fmt: skip
            scored += [ScoredCase(model.fold, predicted[c.case_id], c) for c in cases[model.fold]]
        scores, choice = score_out_of_fold(scored, plan)
        about = dict(about, folds=folds, models={
            str(m.fold): dict(config=m.config, checkpoint=m.checkpoint) for m in models
        })  # fmt: skip
        summary = write_summary(folder, scores, plan, about)
        postprocessing = write_postprocessing(folder, choice, dict(folds=folds))
    finally:
        lock.release()
    return dict(folder=folder, summary=summary, postprocessing=postprocessing)


def _check_folder(folder: str) -> None:
    """Refuse a ``--work-dir`` that holds anything but a cross-validation's own files.

    A cross-validation writes ``summary.json`` and the rest over what it wrote before; in a
    folder of other files (a training run's work dir, a dataset) it could replace one of them.

    Raises:
        ToolError: a file or folder a cross-validation does not write, named.
    """
    if not osp.exists(folder):
        return
    if not osp.isdir(folder):
        raise ToolError(f'--work-dir {folder} is a file: pass a folder (new, or an earlier '
                        "cross-validation's)")  # fmt: skip
    own = {'configs', CV_RECORD, SUMMARY_FILE, POSTPROCESSING_FILE, LOCK_FILENAME}
    others = sorted(
        name for name in os.listdir(folder)
        if name not in own and not _FOLD_DIR.match(name) and not is_partial_name(name)
    )  # fmt: skip
    if others:
        raise ToolError(
            f'--work-dir {folder} holds {others[0]!r}, which no cross-validation writes: pass a '
            "new folder, or an earlier cross-validation's"
        )


def _config_of(path: str) -> str:
    """``path`` itself, or for a converted folder its AttentionUNet config (said so)."""
    record = osp.join(path, CONVERSION_RECORD)
    if not osp.isdir(path):
        return path
    if not osp.isfile(record):
        raise ToolError(
            f'{path} is a folder without {CONVERSION_RECORD}: pass a config the Decathlon / '
            'nnU-Net converter wrote, or the folder it converted into'
        )
    try:
        with open(record, encoding='utf-8') as f:
            config = osp.join(path, json.load(f)['configs'][0])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        raise ToolError(f'cannot read the configs in {record}: convert the raw set again') from None
    print(f'cross-validating {config} (the converted folder\'s AttentionUNet config; pass '
          'another config file to cross-validate it)')  # fmt: skip
    return config


def _folds(asked: List[int] | None, fold_set: FoldSet) -> List[int]:
    folds = list(range(len(fold_set.folds))) if asked is None else list(asked)
    twice = sorted({f for f in folds if folds.count(f) > 1})
    if twice:
        raise ToolError(f'--folds names fold {twice[0]} twice: name each fold once')
    fold_set.check_folds(folds)
    return sorted(folds)


def _raw_set(fold_set: FoldSet):
    source = fold_set.record.get('source')
    try:
        return read_raw_set(source)
    except DecathlonConvertError as exc:
        raise ToolError(
            f'the conversion of {fold_set.data_root} was made from the raw set {source}, which '
            f'cannot be read now ({exc}): the validation cases are predicted and scored from '
            'the raw scans; put it back, or convert again'
        ) from None


def _train(fold_set, folds, folder, train_cfg, options, slots, train_script) -> List[FoldModel]:
    """Train the folds that need it; the trained folds' models."""
    configs, jobs = {}, []
    for fold in folds:
        configs[fold] = _write_fold_config(fold_set, fold, folder)
        status = fold_status(fold_dir(folder, fold), train_cfg)
        print(f'fold {fold}: {status.describe()}')
        if status.state != 'finished':
            resume = status.state == 'resume'
            command = train_command(train_script, configs[fold], fold_dir(folder, fold), resume,
                                    options.cfg_options, options.amp)  # fmt: skip
            jobs.append(FoldJob(fold, command, fold_dir(folder, fold)))
    codes = run_fold_jobs(jobs, slots)
    failed = sorted(fold for fold, code in codes.items() if code != 0)
    if failed:
        _fold_failed(failed[0], codes[failed[0]])
    if len(codes) < len(jobs):  # not reached: a failure stops the next folds
        raise ToolError('a fold was not trained: rerun the same command')
    models = []
    for fold in folds:
        status = fold_status(fold_dir(folder, fold), train_cfg)
        run_config = osp.join(fold_dir(folder, fold), osp.basename(configs[fold]))
        if status.state != 'finished' or not osp.isfile(run_config):
            raise ToolError(
                f'fold {fold}: its training ended without a final checkpoint and config in '
                f'{fold_dir(folder, fold)}: rerun the same command'
            )
        models.append(FoldModel(fold, run_config, status.checkpoint))
    return models


def _fold_failed(fold: int, code: int) -> None:
    """Stop the cross-validation because fold ``fold``'s tools/train.py ended with ``code``."""
    if code == 2:  # tools/train.py refused its input in one line of its own
        line = (f"stopped: fold {fold}'s tools/train.py refused its input (the error above): "
                'fix it and rerun the same command; finished folds are kept')  # fmt: skip
        print(line, file=sys.stderr)
        raise SystemExit(2)
    how = f'killed by signal {-code}' if code < 0 else f'exit code {code}'
    raise ToolError(
        f'fold {fold}: tools/train.py ended ({how}): rerun the same command; finished folds '
        f'are kept and fold {fold} resumes from its newest checkpoint'
    )


def _write_fold_config(fold_set: FoldSet, fold: int, folder: str) -> str:
    path = osp.join(folder, 'configs', fold_config_name(fold_set.config, fold))
    text = fold_config_text(fold_set, fold)
    if _read_text(path) != text:
        os.makedirs(osp.dirname(path), exist_ok=True)
        write_text_atomically(path, text)
    return path


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def _recorded_models(folder: str) -> List[FoldModel]:
    """The folds an earlier run recorded whose files are still there."""
    try:
        with open(osp.join(folder, CV_RECORD), encoding='utf-8') as f:
            recorded = json.load(f)['folds']
        models = [
            FoldModel(int(k), osp.join(folder, v['config']), osp.join(folder, v['checkpoint']))
            for k, v in recorded.items()
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    return [m for m in models if osp.isfile(m.config) and osp.isfile(m.checkpoint)]


def _default_device() -> str:
    import torch

    return 'cuda' if torch.cuda.is_available() else 'cpu'
