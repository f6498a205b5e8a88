"""``tools/test.py --tta`` and ``--tta-pipeline``: test-time augmentation the model was trained for.

``--tta`` means what ``tools/predict.py --tta flip`` means: the softmax averaged over the
plain image and one mirror along each slice axis the training pipeline mirrored along
(:mod:`attn_unet.datasets.trained_mirrors`, read from the checkpoint's recorded config, else
the config), refused in one line when training mirrored along none. It runs through mmseg's
own ``SegTTAModel`` (which averages the softmax of the views) with a ``TestTimeAug`` step
built from the config's test pipeline: the mirrors go in right after the image is loaded, as
``tools/predict.py`` mirrors the loaded slice, and before the annotations are loaded, so the
labels stay as they are and mmseg flips each mirrored prediction back.

``--tta-pipeline`` is mmseg's ``tools/test.py --tta``: the config's own ``tta_pipeline``
(mmseg's configs: several scales and a horizontal flip), with the same refusal when one of
its flips is along an axis training never mirrored.
"""

import copy

from mmengine.config import Config

from attn_unet.datasets.dataset_cfgs import iter_transforms, transform_type
from attn_unet.datasets.trained_mirrors import AXIS_DIRECTIONS, TrainedMirrors
from attn_unet.errors import ToolError

from .predict.tta import refuse_untrained_tta
from .predict.tta_policy import checkpoint_mirrors

__all__ = ['apply_test_tta', 'mirror_tta_pipeline']


def mirror_tta_pipeline(test_pipeline: list, axes) -> list:
    """``test_pipeline`` with a ``TestTimeAug`` step: the plain view and one mirror per axis.

    Args:
        test_pipeline: the config's test pipeline (a loading step first, a packing step last).
        axes: slice axes to mirror along (0 rows, mmseg's ``'vertical'``; 1 columns,
            ``'horizontal'``).
    """
    steps = [copy.deepcopy(s) for s in test_pipeline]
    views = [dict(type='RandomFlip', prob=0.0)] + [
        dict(type='RandomFlip', prob=1.0, direction=AXIS_DIRECTIONS[a]) for a in sorted(axes)
    ]
    stages = [views] + [[s] for s in steps[1:]]
    return [steps[0], dict(type='TestTimeAug', transforms=stages)]


def apply_test_tta(cfg: Config, args) -> None:
    """Turn ``cfg`` into mmseg's TTA model for ``--tta`` or ``--tta-pipeline`` (else no change).

    Raises:
        ToolError: both options; a model trained without mirroring; a ``tta_pipeline`` flip
            along an axis training never mirrored; ``--tta-pipeline`` without one.
    """
    tta, own = bool(getattr(args, 'tta', False)), bool(getattr(args, 'tta_pipeline', False))
    if not (tta or own):
        return
    if tta and own:
        raise ToolError('--tta and --tta-pipeline exclude each other: pass one of them')
    mirrors = checkpoint_mirrors(_meta(args.checkpoint), args.config)
    if tta:
        refuse_untrained_tta('--tta', mirrors.axes, mirrors.known, 'train with mirroring')
        pipeline = mirror_tta_pipeline(cfg.test_dataloader.dataset.pipeline, mirrors.axes)
    else:
        if not cfg.get('tta_pipeline'):
            raise ToolError(
                "--tta-pipeline runs the config's tta_pipeline, and this config has none: "
                'use --tta (the mirrors the model was trained with)'
            )
        _refuse_untrained_flips(cfg.tta_pipeline, mirrors)
        pipeline = cfg.tta_pipeline
    cfg.test_dataloader.dataset.pipeline = pipeline
    cfg.tta_model.module = cfg.model
    cfg.model = cfg.tta_model


def _refuse_untrained_flips(pipeline, mirrors: TrainedMirrors) -> None:
    directions = {
        d
        for step in iter_transforms(pipeline)
        if transform_type(step) == 'RandomFlip' and (step.get('prob') or 0) > 0
        for d in ([step.get('direction', 'horizontal')] if isinstance(
            step.get('direction', 'horizontal'), str) else step['direction'])
    }  # fmt: skip
    untrained = sorted(directions - set(mirrors.directions))
    if untrained:
        seen = ', '.join(mirrors.directions) or 'none'
        raise ToolError(
            f"--tta-pipeline: the config's tta_pipeline flips {', '.join(untrained)}, which the "
            f'training pipeline never did (its flips: {seen}): a view the model never saw makes '
            'the answer worse; drop that RandomFlip from tta_pipeline, or use --tta (the mirrors '
            'the model was trained with)'
        )


def _meta(checkpoint: str) -> dict:
    from .predict.slicing import checkpoint_meta

    return checkpoint_meta(checkpoint)
