"""``--postprocess``: what is done to a volume's labels after the argmax.

- ``none`` (default): the labels as predicted;
- ``lcc``: of every class only its largest 26-connected piece is kept, the rest set to
  background (:func:`attn_unet.volumes.keep_largest_components`);
- ``auto``: what the cross-validation chose on its out-of-fold predictions
  (``postprocessing.json`` in the cross-validation folder given as the model, written by
  ``tools/cross_validate.py``; :mod:`attn_unet.evaluation.postprocessing`).

It changes the labels (and the DICOM SEG made of them) only; ``--save-probabilities`` writes
the probabilities as predicted.
"""

import json
import os.path as osp
from typing import Sequence

from attn_unet.errors import ToolError

__all__ = ['POSTPROCESS_MODES', 'check_postprocess_option', 'postprocessing_for']

POSTPROCESS_MODES = ('none', 'lcc', 'auto')


def check_postprocess_option(mode: str, cv_folder: str | None) -> None:
    """Refuse a ``--postprocess`` that cannot be applied, before any file is read.

    Raises:
        ToolError: an unknown mode; ``auto`` without a cross-validation folder that holds
            its ``postprocessing.json``.
    """
    if mode not in POSTPROCESS_MODES:
        raise ToolError(f'--postprocess {mode}: pass one of {", ".join(POSTPROCESS_MODES)}')
    if mode != 'auto':
        return
    from attn_unet.checkpoints import POSTPROCESSING_FILE

    if cv_folder is None:
        raise ToolError(
            '--postprocess auto applies what a cross-validation chose: pass its folder (the '
            '--work-dir of tools/cross_validate.py) instead of CONFIG CHECKPOINT, or '
            '--postprocess lcc / none'
        )
    if not osp.isfile(osp.join(cv_folder, POSTPROCESSING_FILE)):
        raise ToolError(
            f'--postprocess auto: {cv_folder} holds no {POSTPROCESSING_FILE} yet (the '
            'cross-validation writes it once every fold is scored): finish '
            'tools/cross_validate.py on it, or pass --postprocess lcc / none'
        )


def postprocessing_for(mode: str, cv_folder: str | None, classes: Sequence[str]):
    """The :class:`~attn_unet.evaluation.Postprocessing` ``mode`` means for a model of ``classes``.

    Imported here, not with the module: the mode names and their check stay importable
    without torch (the onnxruntime backend's options).

    Raises:
        ToolError: ``postprocessing.json`` unreadable, or naming a class the model lacks.
    """
    from attn_unet.checkpoints import POSTPROCESSING_FILE
    from attn_unet.evaluation import Postprocessing

    if mode == 'lcc':
        return Postprocessing.every_class(classes)
    if mode != 'auto':
        return Postprocessing()
    path = osp.join(cv_folder, POSTPROCESSING_FILE)
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except (OSError, ValueError) as exc:
        raise ToolError(
            f'cannot read {path} ({type(exc).__name__}): run tools/cross_validate.py on '
            f'{cv_folder} again'
        ) from None
    postprocessing = Postprocessing.from_record(record, path)
    postprocessing.class_ids(classes)  # refuses a class the model lacks
    return postprocessing
