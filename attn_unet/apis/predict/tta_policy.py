"""``--tta flip`` of a torch checkpoint: the mirrors its training applied, or a refusal.

The training pipeline is read from the checkpoint itself (mmengine writes the run's config
into ``meta['cfg']``; :func:`attn_unet.checkpoints.checkpoint_config` reads it without
running it), else from the config given; :mod:`attn_unet.datasets.trained_mirrors` says which
slice axes it mirrored along. An exported ONNX model carries the same axes in its card.
"""

from attn_unet.datasets.trained_mirrors import TrainedMirrors, trained_mirrors

from .tta import refuse_untrained_tta

__all__ = ['TRAIN_WITH_MIRRORS', 'check_tta', 'checkpoint_mirrors']

TRAIN_WITH_MIRRORS = (
    'train with mirroring (tools/dataset_converters/decathlon.py --augmentation nnunet '
    'mirrors along the axes its classes allow)'
)


def checkpoint_mirrors(meta: dict, config: str | None) -> TrainedMirrors:
    """The mirrors of the training pipeline ``meta['cfg']`` holds, else ``config``'s."""
    from attn_unet.checkpoints import checkpoint_config

    recorded = checkpoint_config(meta)
    mirrors = trained_mirrors(recorded) if recorded else TrainedMirrors(known=False)
    if mirrors.known or config is None:
        return mirrors
    from ..config import load_config

    return trained_mirrors(load_config(config))


def check_tta(options, meta: dict, config: str | None) -> tuple:
    """The slice axes ``--tta`` mirrors along for this checkpoint; ``()`` without ``--tta``.

    Raises:
        ToolError: ``--tta flip`` on a checkpoint whose training mirrored along no axis.
    """
    if options.tta == 'none':
        return ()
    mirrors = checkpoint_mirrors(meta, config)
    refuse_untrained_tta(f'--tta {options.tta}', mirrors.axes, mirrors.known, TRAIN_WITH_MIRRORS)
    return mirrors.axes
