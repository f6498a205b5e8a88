"""The training pipeline a fitted config gets: nnU-Net's 2D augmentation, or the light one.

- ``nnunet``: nnU-Net v2's 2D augmentation (``nnUNetTrainer.get_training_transforms`` with
  ``configure_rotation_dummyDA_mirroring_and_inital_patch_size``' 2D settings), its
  numbers carried over into the transforms of :mod:`attn_unet.datasets.transforms`, in
  its order: a crop rotated (p 0.2; any angle when the crop's sides differ by at most 1.5x,
  else +-15 degrees) and scaled (p 0.2, 0.7 to 1.4); no elastic deformation (nnU-Net
  leaves it off); Gaussian noise (p 0.1), blur (p 0.2), multiplicative brightness (p 0.15),
  contrast (p 0.15), simulated low resolution (p 0.25), gamma on the inverted image
  (p 0.1) and on the image (p 0.3); mirroring along the plan's ``mirror_axes``, each with
  p 0.5. Intensity parameters are drawn per channel, shared by its K context slices.
- ``light``: a random crop and, with p 0.5, a rotation of up to 15 degrees (the corners it
  uncovers ignored), the project's pipeline before nnU-Net's was added.

The converter writes ``light`` by default: on the Decathlon phantom, 600 iterations on the
CPU (``demo/msd_demo.sh``'s schedule), it scored 16 points of mean DSC above ``nnunet`` with
both networks (``docs/en/benchmarks.md``, "nnU-Net's augmentation"); nnU-Net's augmentation
is built for its 250,000-iteration schedule, so ``--augmentation nnunet`` is for long runs.
"""

from attn_unet.slicing.slice_plan import SlicePlan

__all__ = ['AUGMENTATIONS', 'DEFAULT_AUGMENTATION', 'rotation_degrees', 'train_pipeline_lines']

AUGMENTATIONS = ('nnunet', 'light')
DEFAULT_AUGMENTATION = 'light'  # what won on the phantom's short CPU schedule
ANISOTROPIC_CROP = 1.5  # nnU-Net 2D: rotate +-15 degrees above this side ratio, else +-180


def rotation_degrees(crop: tuple) -> int:
    """nnU-Net's 2D rotation range for a crop ``(h, w)``: 180, or 15 for elongated crops."""
    return 15 if max(crop) / min(crop) > ANISOTROPIC_CROP else 180


def train_pipeline_lines(
    plan: SlicePlan, crop: tuple, augmentation: str | None, mirror_comment: list
) -> list:
    """The ``train_pipeline = [...]`` lines of a fitted config (its comments included).

    Args:
        plan: The slice plan (its ``context`` and ``mirror_axes``).
        crop: ``(h, w)`` training crop; the config names it ``crop_size``.
        augmentation: One of :data:`AUGMENTATIONS`; None: :data:`DEFAULT_AUGMENTATION`.
        mirror_comment: The comment lines saying why the plan mirrors what it mirrors.
    """
    augmentation = augmentation or DEFAULT_AUGMENTATION
    if augmentation not in AUGMENTATIONS:
        raise ValueError(f'augmentation must be one of {AUGMENTATIONS}, got {augmentation!r}')
    load = [
        'train_pipeline = [',
        "    dict(type='LoadImageFromFile', imdecode_backend='tifffile'),",
        "    dict(type='LoadAnnotations'),",
    ]
    if augmentation == 'light':
        return [
            "# augmentation: a random crop and a small rotation; it beat nnU-Net's 2D augmentation",
            '# on short schedules (docs/en/benchmarks.md). tools/dataset_converters/decathlon.py',
            "# --augmentation nnunet writes nnU-Net's instead, for long runs.",
            *load,
            "    dict(type='RandomCrop', crop_size=crop_size),",
            "    dict(type='RandomRotate', prob=0.5, degree=15, pad_val=0, seg_pad_val=255),",
            "    dict(type='PackCompactSegInputs'),",
            ']',
        ]
    degrees = rotation_degrees(crop)
    k = plan.context
    why_rotation = (
        'any angle: the crop is not elongated'
        if degrees == 180
        else f'+-15 degrees: the crop is over {ANISOTROPIC_CROP}x longer than wide'
    )
    return [
        "# augmentation: nnU-Net v2's 2D defaults (nnUNetTrainer), in its order; intensity draws",
        f'# per channel, shared by its K = {k} context slice(s).',
        f'# rotation: {why_rotation}.',
        '# No elastic deformation (nnU-Net 2D has none). Outside the slice: image 0, label 255',
        '# (ignored). --augmentation light writes a crop and a small rotation instead.',
        *mirror_comment,
        *load,
        "    dict(type='RandomCropRotateScale', crop_size=crop_size, rotate_prob=0.2, "
        f'degree={degrees},',
        '         scale_prob=0.2, scale=(0.7, 1.4), pad_val=0, seg_pad_val=255),',
        "    dict(type='RandomGaussianNoise', prob=0.1, std=(0.0, 0.1)),",
        "    dict(type='RandomGaussianBlur', prob=0.2, sigma=(0.5, 1.0), channel_prob=0.5, "
        f'context={k}),',
        "    dict(type='RandomMultiplicativeBrightness', prob=0.15, multiplier=(0.75, 1.25), "
        f'context={k}),',
        f"    dict(type='RandomContrast', prob=0.15, factor=(0.75, 1.25), context={k}),",
        "    dict(type='RandomLowResolution', prob=0.25, zoom=(0.5, 1.0), channel_prob=0.5, "
        f'context={k}),',
        f"    dict(type='RandomGamma', prob=0.1, gamma=(0.7, 1.5), invert_prob=1.0, context={k}),",
        f"    dict(type='RandomGamma', prob=0.3, gamma=(0.7, 1.5), context={k}),",
        f"    dict(type='RandomAxisMirror', axes={plan.mirror_axes!r}, prob=0.5),",
        "    dict(type='PackCompactSegInputs'),",
        ']',
    ]
