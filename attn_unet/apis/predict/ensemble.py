"""Several models as one: the members of an ensemble, held to agree, their softmax averaged.

``tools/predict.py`` takes one config and several checkpoints (``CONFIG A.pth B.pth ...
INPUTS``) or a cross-validation folder (``CV_FOLDER INPUTS``: each fold's own config and
final checkpoint, :mod:`attn_unet.checkpoints.cv_folder`). Every member must read the
same slices and mean the same classes: the same slicing (a converter's slice plan, or the
Synapse slicing and its record), the same classes and the same input channels; a member
that differs is refused in one line naming both. :class:`EnsembleSegmentor` runs every member
on each batch and averages their probabilities (in float64, then float32: N copies of one
model give that model's probabilities bit for bit), before any argmax; test-time
augmentation (:mod:`.tta`) wraps the ensemble as it wraps one model.
"""

import os.path as osp
from dataclasses import asdict, dataclass
from typing import List, Sequence

import numpy as np

from attn_unet.checkpoints import is_cv_folder, read_fold_models
from attn_unet.errors import ToolError

from .slice_segmentor import SlicePrediction, SliceSegmentor

__all__ = [
    'EnsembleSegmentor',
    'Member',
    'check_members_agree',
    'check_slicings_agree',
    'resolve_members',
    'split_model_args',
]

CHECKPOINT_SUFFIX = '.pth'


@dataclass(frozen=True)
class Member:
    """One model of a prediction: its config and checkpoint (a fold, when from a CV folder)."""

    config: str
    checkpoint: str
    fold: int | None = None


def split_model_args(first: str, rest: Sequence[str]) -> tuple[List[str] | None, List[str]]:
    """``tools/predict.py``'s positional arguments as ``(checkpoints, inputs)``.

    ``CV_FOLDER INPUT...`` (``first`` a cross-validation folder): no checkpoints (None);
    ``CONFIG CHECKPOINT [CHECKPOINT ...] INPUT...``: the first of ``rest`` is a checkpoint,
    and so is every next one ending in ``.pth``.

    Raises:
        ToolError: nothing left to segment.
    """
    rest = [str(r) for r in rest]
    if is_cv_folder(first):
        checkpoints, inputs = None, rest
    else:
        count = 1
        while count < len(rest) and rest[count].lower().endswith(CHECKPOINT_SUFFIX):
            count += 1
        checkpoints, inputs = rest[:count], rest[count:]
    if not inputs:
        raise ToolError(
            'no input to segment: pass CONFIG CHECKPOINT [CHECKPOINT ...] then scans, DICOM '
            'folders or images (or a cross-validation folder, then the inputs)'
        )
    return checkpoints, inputs


def resolve_members(config: str, checkpoint) -> tuple[List[Member], str | None]:
    """The members ``(config, checkpoint)`` name, and the cross-validation folder if any.

    Args:
        config: a config file, or a cross-validation folder (then ``checkpoint`` is None).
        checkpoint: a checkpoint path, a list of them (one config for all), or None.

    Raises:
        ToolError: a folder that is no cross-validation folder where a config is due, a
            checkpoint named twice.
    """
    if checkpoint is None:
        if not is_cv_folder(config):
            raise ToolError(
                f'{config} is not a cross-validation folder (no crossval.json): pass CONFIG '
                'CHECKPOINT, or the --work-dir of tools/cross_validate.py'
            )
        members = [Member(m.config, m.checkpoint, m.fold) for m in read_fold_models(config)]
        return members, config
    if osp.isdir(config):
        raise ToolError(
            f'{config} is a folder, not a config file: pass the config the checkpoint was '
            'trained with, or a cross-validation folder without checkpoints'
        )
    paths = [checkpoint] if isinstance(checkpoint, (str, bytes)) or not checkpoint else checkpoint
    paths = [str(p) for p in paths]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise ToolError(f'checkpoint {twice[0]} is named twice: name each ensemble member once')
    return [Member(str(config), p) for p in paths], None


def check_slicings_agree(slicings: Sequence, members: Sequence[Member]) -> None:
    """Refuse members that cut volumes into slices differently.

    Raises:
        ToolError: naming the first member that differs from the first and how.
    """
    first = _slicing_fields(slicings[0])
    for slicing, member in zip(slicings[1:], members[1:]):
        fields = _slicing_fields(slicing)
        if type(slicing) is not type(slicings[0]):
            raise _differs(members[0], member, f'slicing ({slicings[0].name} vs {slicing.name})')
        for key in first:
            if first[key] != fields.get(key):
                raise _differs(
                    members[0], member, f'slice plan: {key} {first[key]!r} vs {fields.get(key)!r}'
                )


def check_members_agree(models: Sequence, members: Sequence[Member]) -> None:
    """Refuse loaded members whose classes or input channels differ from the first's.

    Raises:
        ToolError: naming the first member that differs and how.
    """
    first = _model_fields(models[0])
    for model, member in zip(models[1:], members[1:]):
        fields = _model_fields(model)
        for key in first:
            if first[key] != fields[key]:
                raise _differs(members[0], member, f'{key} ({first[key]} vs {fields[key]})')


class EnsembleSegmentor:
    """Several :class:`~.slice_segmentor.SliceSegmentor`, called as one.

    Args:
        members: the segmentors, each with its own model and test pipeline.
    """

    def __init__(self, members: Sequence[SliceSegmentor]) -> None:
        self.members = list(members)

    @property
    def model(self):
        return self.members[0].model

    @property
    def device(self):
        return self.members[0].device

    def load(self, path: str) -> np.ndarray:
        """An image file as the first member's loading step gives it (see
        :meth:`SliceSegmentor.load`)."""
        return self.members[0].load(path)

    def __call__(self, images, attention: bool = False) -> SlicePrediction:
        """The members' mean probabilities ``(N, C, H, W)`` float32 of ``images``.

        Raises:
            ValueError: ``attention``: an ensemble has no one set of gates.
        """
        if attention:
            raise ValueError('an ensemble has no attention maps of its own')
        total = None
        for member in self.members:
            probs = member(images).probs.astype(np.float64)
            total = probs if total is None else total + probs
        return SlicePrediction((total / len(self.members)).astype(np.float32), {})


def _slicing_fields(slicing) -> dict:
    """What decides how a volume is cut: the slice plan, or the Synapse spec and voxel order."""
    plan = getattr(slicing, 'plan', None)
    if plan is not None:
        return asdict(plan)
    return dict(asdict(slicing.spec), orientation=slicing.training_axcodes)


def _model_fields(model) -> dict:
    backbone = model.cfg.model.get('backbone', {})
    return dict(
        classes=', '.join(model.dataset_meta['classes']),
        **{'input channels': backbone.get('in_channels')},
    )


def _differs(first: Member, other: Member, what: str) -> ToolError:
    return ToolError(
        f'ensemble member {_name(other)} differs from {_name(first)} in its {what}: an '
        'ensemble averages models of one training set and plan; pass checkpoints of one '
        'converted set'
    )


def _name(member: Member) -> str:
    return member.checkpoint if member.fold is None else f'fold {member.fold} ({member.checkpoint})'
