"""The card of a loaded checkpoint: what an exported ONNX model needs to run alone.

:class:`attn_unet.runtime.ModelCard` says what each key means. Built here from what the torch
predictor itself reads: the checkpoint's record of its training slices (``ct_slices`` or
``volume_slices`` in its ``dataset_meta``), the config's test pipeline and data preprocessor,
the decode head, the mirrors of the training pipeline (the checkpoint's recorded config,
:mod:`.predict.tta_policy`) and the training intensity range.
"""

from attn_unet.runtime.card import ModelCard

from .predict.slicing import checkpoint_meta
from .predict.tta_policy import checkpoint_mirrors

__all__ = ['model_card', 'slicing_record']

# Test pipeline steps that read files or labels, or pack: the runtime does their work itself.
_NOT_REPEATED = ('LoadAnnotations',)


def slicing_record(dataset_meta: dict) -> dict:
    """The card's ``slicing``: the plan (without its per-case grids) or the Synapse record."""
    if dataset_meta.get('volume_slices'):
        plan = {k: v for k, v in dataset_meta['volume_slices'].items() if k != 'cases'}
        return dict(kind='plan', **plan)
    return dict(kind='synapse', **(dataset_meta.get('ct_slices') or {}))


def model_card(model, config: str, checkpoint: str) -> ModelCard:
    """The card of ``model`` (loaded from ``config`` and ``checkpoint``) for its ONNX export.

    The graph's own keys are filled by the export; ``ModelCard.graph`` stays empty here.
    """
    meta = checkpoint_meta(checkpoint)
    dataset_meta = dict(getattr(model, 'dataset_meta', None) or {})
    slicing = slicing_record(dataset_meta)
    pipeline = list(model.cfg.test_pipeline)
    loading = pipeline[0] if pipeline else {}
    steps = [_step(s) for s in pipeline[1:] if not _skipped(s)]
    preprocessor = model.data_preprocessor
    test_cfg = dict(getattr(preprocessor, 'test_cfg', None) or {})
    mirrors = checkpoint_mirrors(meta, config)
    record = dataset_meta.get('volume_slices') or dataset_meta.get('ct_slices') or {}
    return ModelCard(
        graph={},
        slicing=slicing,
        test_pipeline=steps,
        image_loading=dict(
            backend=loading.get('imdecode_backend', 'cv2'),
            color_type=loading.get('color_type', 'color'),
        ),
        test_pad=dict(
            size=list(test_cfg['size']) if test_cfg.get('size') else None,
            size_divisor=test_cfg.get('size_divisor'),
        ),
        align_corners=bool(model.decode_head.align_corners),
        mirror_axes=list(mirrors.axes),
        mirror_sources=list(mirrors.sources),
        intensity_range=record.get('intensity_range'),
    )


def _skipped(step: dict) -> bool:
    kind = str(step.get('type'))
    return kind in _NOT_REPEATED or kind.startswith('Pack')


def _step(step: dict) -> dict:
    if step.get('type') != 'Resize':
        return dict(type=str(step.get('type')))
    scale = step.get('scale')
    if isinstance(scale, int):  # mmcv: an int is a square
        scale = (scale, scale)
    return dict(
        type='Resize',
        scale=list(scale) if isinstance(scale, (list, tuple)) else None,
        scale_factor=step.get('scale_factor'),
        keep_ratio=bool(step.get('keep_ratio', False)),
        interpolation=step.get('interpolation', 'bilinear'),
    )
