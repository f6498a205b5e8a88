"""Which mirrors a model saw in training, read from its training pipeline: what TTA may use.

Test-time augmentation averages a model's answer on an image with its answers on transformed
copies. That helps only with transforms the model was trained on: a network that never saw a
mirrored slice answers a mirrored one worse, and where classes have sides (left and right
kidney) its mirrored answer swaps them. nnU-Net mirrors at test time only along the axes it
mirrored in training (its ``allowed_mirroring_axes``); this module reads the same fact from
any mmseg training pipeline, so ``tools/predict.py --tta flip`` and ``tools/test.py --tta``
mirror exactly along the axes training mirrored, and refuse when it mirrored along none.

Slice axes: 0 flips the rows (top <-> bottom, mmseg's ``'vertical'``), 1 the columns
(left <-> right of the image, ``'horizontal'``). Transforms that mirror:

- mmcv / mmseg ``RandomFlip``: each ``direction`` drawn with a probability above 0
  (``'horizontal'`` 1, ``'vertical'`` 0; ``'diagonal'`` flips both at once, a half turn, and
  mirrors neither axis alone). Its default ``prob=None`` never flips.
- mmseg ``RandomRotFlip`` and :class:`~.transforms.RandomRotFlipNearest`: with ``flip_prob``
  above 0 (and ``rotate_prob`` below 1) a quarter-turn multiple and a flip along a random
  axis: both axes.
- :class:`~.transforms.RandomAxisMirror` (nnU-Net's mirroring): its ``axes``, with ``prob``
  above 0.
"""

from typing import List, Tuple

from .dataset_cfgs import iter_transforms, split_dataset_cfgs, transform_type

__all__ = ['MIRROR_TRANSFORMS', 'TrainedMirrors', 'trained_mirrors', 'training_pipelines']

AXIS_DIRECTIONS = {0: 'vertical', 1: 'horizontal'}
_DIRECTION_AXES = {'vertical': 0, 'horizontal': 1}
MIRROR_TRANSFORMS = ('RandomFlip', 'RandomRotFlip', 'RandomAxisMirror')


class TrainedMirrors:
    """The slice axes a training pipeline mirrored along, and the steps that did it.

    Attributes:
        axes: Sorted slice axes (0 rows, 1 columns); ``()`` when training mirrored none.
        sources: One short description per mirroring step (``"RandomFlip(horizontal)"``).
        known: False when no training pipeline was found to read (nothing is known).
    """

    def __init__(self, axes=(), sources=(), known: bool = True) -> None:
        self.axes: Tuple[int, ...] = tuple(sorted(set(int(a) for a in axes)))
        self.sources: Tuple[str, ...] = tuple(sources)
        self.known = known

    @property
    def directions(self) -> List[str]:
        """mmseg's flip directions of :attr:`axes` (``'vertical'``, ``'horizontal'``)."""
        return [AXIS_DIRECTIONS[a] for a in self.axes]

    def describe(self) -> str:
        """``'columns (RandomFlip(horizontal))'``-like words for messages and records."""
        names = {0: 'rows', 1: 'columns'}
        axes = ' and '.join(names[a] for a in self.axes) or 'no axis'
        return f'{axes} ({", ".join(self.sources)})' if self.sources else axes

    def to_record(self) -> dict:
        return dict(axes=list(self.axes), sources=list(self.sources), known=self.known)

    def __repr__(self) -> str:
        return f'TrainedMirrors(axes={self.axes}, sources={self.sources}, known={self.known})'


def training_pipelines(cfg) -> List[list]:
    """The pipelines of every dataset ``cfg.train_dataloader`` reads (wrappers unwrapped)."""
    return [d['pipeline'] for d in split_dataset_cfgs(cfg, 'train') if d.get('pipeline')]


def trained_mirrors(cfg) -> TrainedMirrors:
    """The mirrors of ``cfg``'s training pipeline(s) (a Config or plain dicts).

    Several training datasets mirror along the axes every one of them mirrors: an axis one
    of them never flipped was not seen on all the data.
    """
    pipelines = training_pipelines(cfg)
    if not pipelines:
        return TrainedMirrors(known=False)
    per_pipeline = [_pipeline_mirrors(p) for p in pipelines]
    axes = set(per_pipeline[0][0])
    for found, _ in per_pipeline[1:]:
        axes &= set(found)
    sources = []
    for _, named in per_pipeline:
        sources += [s for s in named if s not in sources]
    return TrainedMirrors(axes, sources if axes else ())


def _pipeline_mirrors(pipeline) -> Tuple[set, list]:
    axes, sources = set(), []
    for step in iter_transforms(pipeline):
        found = _step_axes(step)
        if found:
            axes |= found
            sources.append(_describe(step, found))
    return axes, sources


def _step_axes(step: dict) -> set:
    kind = transform_type(step)
    if kind == 'RandomFlip':
        return _random_flip_axes(step.get('prob'), step.get('direction', 'horizontal'))
    if kind.startswith('RandomRotFlip'):
        flips = float(step.get('flip_prob', 0.5)) > 0
        return {0, 1} if flips and float(step.get('rotate_prob', 0.5)) < 1 else set()
    if kind == 'RandomAxisMirror':
        return set(step.get('axes', (0, 1))) if float(step.get('prob', 0.5)) > 0 else set()
    return set()


def _random_flip_axes(prob, direction) -> set:
    """mmcv's RandomFlip: a float prob shared by the directions, or one prob per direction."""
    directions = [direction] if isinstance(direction, str) else list(direction)
    if prob is None:
        return set()
    probs = list(prob) if isinstance(prob, (list, tuple)) else [prob] * len(directions)
    drawn = [d for d, p in zip(directions, probs) if float(p) > 0]
    return {_DIRECTION_AXES[d] for d in drawn if d in _DIRECTION_AXES}


def _describe(step: dict, axes: set) -> str:
    kind = transform_type(step)
    if kind == 'RandomFlip':
        return f'RandomFlip({", ".join(AXIS_DIRECTIONS[a] for a in sorted(axes))})'
    if kind == 'RandomAxisMirror':
        return f'RandomAxisMirror(axes={tuple(sorted(axes))})'
    return kind
