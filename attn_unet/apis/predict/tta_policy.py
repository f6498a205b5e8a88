"""``--tta flip`` of a torch checkpoint: the mirrors its training applied, or a refusal.

The training pipeline is read from the checkpoint itself (mmengine writes the run's config
into ``meta['cfg']``; :func:`attn_unet.checkpoints.checkpoint_config` reads it without
running it), else from the config given; :mod:`attn_unet.datasets.trained_mirrors` says which
slice axes it mirrored along. An exported ONNX model carries the same axes in its card.
"""

from attn_unet.datasets.trained_mirrors import TrainedMirrors, trained_mirrors
from attn_unet.errors import ToolError

__all__ = ['check_tta', 'checkpoint_mirrors', 'refuse_untrained_tta']


def checkpoint_mirrors(meta: dict, config: str | None) -> TrainedMirrors:
    """The mirrors of the training pipeline ``meta['cfg']`` holds, else ``config``'s."""
    from attn_unet.checkpoints import checkpoint_config

    recorded = checkpoint_config(meta)
    mirrors = trained_mirrors(recorded) if recorded else TrainedMirrors(known=False)
    if mirrors.known or config is None:
        return mirrors
    from ..config import load_config

    return trained_mirrors(load_config(config))


def refuse_untrained_tta(option: str, mirrors: TrainedMirrors, alternative: str) -> None:
    """Refuse ``option`` in one line when training mirrored along no axis (or is unknown).

    Raises:
        ToolError: naming why (no mirroring transform in the training pipeline, or no
            pipeline to read) and ``alternative``.
    """
    if not mirrors.known:
        raise ToolError(
            f'{option} averages over the mirrors the model was trained with, and neither the '
            'checkpoint nor the config holds a training pipeline to read them from: drop '
            f'{option} ({alternative})'
        )
    if not mirrors.axes:
        raise ToolError(
            f'{option} averages over the mirrors the model was trained with, and its training '
            'pipeline mirrors along no axis (no RandomFlip, RandomRotFlip or RandomAxisMirror '
            'with a probability above 0): a mirrored slice is one it never saw, and where '
            f'classes have sides the mirror swaps them; drop {option}, or {alternative}'
        )


def check_tta(options, meta: dict, config: str | None) -> tuple:
    """The slice axes ``--tta`` mirrors along for this checkpoint; ``()`` without ``--tta``.

    Raises:
        ToolError: ``--tta flip`` on a checkpoint whose training mirrored along no axis.
    """
    if options.tta == 'none':
        return ()
    mirrors = checkpoint_mirrors(meta, config)
    refuse_untrained_tta(
        f'--tta {options.tta}', mirrors,
        'train with mirroring (tools/dataset_converters/decathlon.py --augmentation nnunet '
        'mirrors along the axes its classes allow)',
    )  # fmt: skip
    return mirrors.axes
