"""A Decathlon or nnU-Net v2 raw folder -> 2D (or 2.5D) slices, folds, a record and configs.

Steps, each from its own module:

1. :func:`~.raw_set.read_raw_set`: ``dataset.json`` and the file names checked;
2. the split (:mod:`.splits`) and the output folder checked;
3. :func:`~.case_headers.check_case_headers`: every training case's files opened and checked
   (whole, an affine that spans a volume, the label on the image grid, NaN or infinite
   voxels refused unless ``allow_non_finite``: then read as air in CT channels, 0 in the
   others, as the predictor's ``--allow-non-finite`` reads them, and recorded);
4. :func:`~.fingerprint.fingerprint_case`: every case read once (a bad label value stops
   here), :func:`~.fingerprint.summarise` pools them;
5. :func:`~.planner.fit_plan` and :func:`~.planner.fit_crop`: the slice plan and the crop;
6. only then, in a staging folder swapped in whole (:class:`..staged_output.StagedOutput`):
   every case's slices (:mod:`attn_unet.slicing.case_slices`,
   :mod:`attn_unet.slicing.volume_slices`), the fold lists, the configs
   (:mod:`.config_writer`) and ``conversion.json``.

What is written::

    SAVE/img_dir/<case>_sliceZZZ.tiff   float32 inputs, C channels x K slices
    SAVE/ann_dir/<case>_sliceZZZ.png    class ids 0..N-1
    SAVE/splits/fold<i>_{train,val}.txt the slices of each fold (mmseg ann_file lists)
    SAVE/splits/splits_final.json       the folds by case, in nnU-Net's shape
    SAVE/configs/<network>-..._<set>-fold<F>-<HxW>.py   AttentionUNet and UNet
    SAVE/conversion.json                the record: source, fingerprint, plan, folds, files
"""

import os.path as osp
from dataclasses import dataclass
from pathlib import Path

from attn_unet.compat import scoped_config_path
from attn_unet.slicing.case_slices import input_slices, label_slices
from attn_unet.slicing.intensity_range import channel_range
from attn_unet.slicing.volume_slices import encode_image, encode_plan_label, slice_stack
from attn_unet.volumes import VoxelOrder, fill_value, voxel_spacing

from ..staged_output import StagedOutput
from .case_headers import check_case_headers, check_images_finite
from .config_writer import NETWORKS, PRESETS, base_configs, config_name, config_text
from .fingerprint import fingerprint_case, read_channels, read_label, summarise
from .planner import fit_crop, fit_plan, slice_shape
from .raw_set import DecathlonConvertError, read_raw_set
from .splits import DEFAULT_SEED, k_fold, read_split_file

__all__ = ['CONVERTER', 'ConvertOptions', 'convert_decathlon']

CONVERTER = 'decathlon'


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert; the defaults are the command line's.

    Attributes:
        fold: The fold the written configs train and validate on.
        num_folds: k of the seeded k-fold split (without ``splits_file``).
        seed: The split's seed.
        splits_file: A ``splits_final.json`` giving the folds instead.
        view: ``'auto'`` (across the coarsest axis), ``'axial'``, ``'coronal'``, ``'sagittal'``.
        context: K slices per channel as input (odd; 1 = 2D).
        slice_gap: Distance in slices between stacked neighbours.
        preset: ``'gpu'`` or ``'cpu'`` (:data:`~.config_writer.PRESETS`).
        max_crop: Largest crop side; None takes the preset's.
        allow_non_finite: Read an image's NaN and infinite voxels as air (-1024 HU) in a CT
            channel and 0 in any other, instead of refusing the case.
        augmentation: The configs' training augmentation (:mod:`.augmentation`); None: the
            default.
    """

    fold: int = 0
    num_folds: int = 5
    seed: int = DEFAULT_SEED
    splits_file: str | None = None
    view: str = 'auto'
    context: int = 1
    slice_gap: int = 1
    preset: str = 'gpu'
    max_crop: int | None = None
    allow_non_finite: bool = False
    augmentation: str | None = None


def convert_decathlon(raw_path, save_path, options: ConvertOptions = ConvertOptions(),
                      progress: bool = True) -> dict:  # fmt: skip
    """Convert a raw Decathlon / nnU-Net folder; nothing is written before every check passed.

    Returns:
        ``{'cases': N, 'slices': S, 'configs': [paths], 'fold': F, 'view': view,
        'non_finite': {case: voxels read as the fill}}``.

    Raises:
        DecathlonConvertError: One line naming the problem and the fix (see the steps).
        DatasetLayoutError: ``save_path`` holds files this converter did not write.
    """
    from tqdm import tqdm

    raw = read_raw_set(raw_path)
    case_ids = [c.case_id for c in raw.training]
    if options.splits_file:
        folds = read_split_file(options.splits_file, case_ids)
        why_split = f'fold {options.fold} of the {len(folds)} in {options.splits_file}'
    else:
        folds = k_fold(case_ids, options.num_folds, options.seed)
        why_split = (
            f'fold {options.fold} of a {options.num_folds}-fold split of the {len(case_ids)} '
            f'training cases, seed {options.seed}'
        )
    if not 0 <= options.fold < len(folds):
        raise DecathlonConvertError(
            f'--fold {options.fold}: the split has folds 0..{len(folds) - 1}; pass one of them'
        )
    preset = PRESETS[options.preset]
    _check_base_configs(preset)
    staged = StagedOutput(save_path, CONVERTER)
    staged.check()
    bar = dict(unit='case', disable=not progress)
    geometries = [check_case_headers(c, raw) for c in tqdm(raw.training, 'headers', **bar)]
    non_finite = check_images_finite(geometries, raw, options.allow_non_finite)
    prints = [
        fingerprint_case(case, geometry, raw, options.seed)
        for case, geometry in tqdm(list(zip(raw.training, geometries)), 'fingerprint', **bar)
    ]
    fingerprint = summarise(raw, prints)
    plan, reasons = fit_plan(raw, fingerprint, options.view, options.context, options.slice_gap)
    shapes = [slice_shape(plan, p.spacing, p.shape_lps)[0] for p in prints]
    crop, reasons['crop'] = fit_crop(
        [s[1:] for s in shapes], preset.rate, options.max_crop or preset.max_crop
    )
    reasons['split'] = why_split
    data_root = osp.realpath(str(save_path))
    with staged:
        out = staged.path
        for folder in ('img_dir', 'ann_dir', 'splits', 'configs'):
            (out / folder).mkdir()
        stems, cases = {}, {}
        for case, geometry in tqdm(list(zip(raw.training, geometries)), 'slices', **bar):
            stems[case.case_id], cases[case.case_id] = _write_case(out, case, geometry, raw, plan)
        _write_folds(out, folds, stems)
        configs = []
        for network in NETWORKS:
            name = config_name(network, preset, osp.basename(raw.root), options.fold, crop)
            text = config_text(network, preset, plan, data_root, options.fold, len(folds), crop,
                               reasons, raw.name, augmentation=options.augmentation)  # fmt: skip
            (out / 'configs' / name).write_text(text)
            configs.append(osp.join('configs', name))
        staged.commit(
            dict(
                source=osp.abspath(raw.root),
                dataset=dict(
                    layout=raw.layout,
                    name=raw.name,
                    labels={str(v): n for v, n in raw.labels.items()},
                    channels=list(raw.channels),
                    training=case_ids,
                    test=[c.case_id for c in raw.test],
                ),
                fingerprint=fingerprint,
                volume_slices=dict(
                    plan.to_record(), cases=cases, intensity_range=_intensity_ranges(plan, prints)
                ),
                reasons=reasons,
                splits=dict(folds=folds, fold=options.fold, why=why_split),
                configs=configs,
                crop_size=list(crop),
                preset=options.preset,
                **_non_finite_record(non_finite, raw),
            )
        )
    return dict(
        cases=len(case_ids),
        slices=sum(len(s) for s in stems.values()),
        configs=[osp.join(data_root, c) for c in configs],
        fold=options.fold,
        view=plan.view,
        non_finite=non_finite,
    )


def _check_base_configs(preset) -> None:
    """Every ``_base_`` file the written configs name is installed with the package."""
    for network in NETWORKS:
        for base in base_configs(network, preset):
            try:
                scoped_config_path(base)
            except FileNotFoundError as exc:
                raise DecathlonConvertError(
                    f'{base} is not installed ({exc.strerror}; looked at {exc.filename}): '
                    'reinstall attn-unet (pip install attn-unet, or pip install -e . in a checkout)'
                ) from None


def _write_case(out: Path, case, geometry, raw, plan) -> tuple[list, dict]:
    """Write one case's slices; returns their stems and the case's grid in slice order."""
    inputs = input_slices(plan, read_channels(geometry), geometry.affine)
    labels = label_slices(plan, read_label(case, geometry, raw), geometry.affine)
    depth = inputs.shape[1]
    width = max(3, len(str(depth - 1)))
    stems = []
    for z in range(depth):
        stem = f'{case.case_id}_slice{z:0{width}d}'
        stack = slice_stack(inputs, z, plan.context, plan.slice_gap)
        (out / 'img_dir' / f'{stem}{plan.image_suffix}').write_bytes(encode_image(stack))
        (out / 'ann_dir' / f'{stem}.png').write_bytes(encode_plan_label(labels[z]))
        stems.append(stem)
    order = VoxelOrder.of(geometry.affine, plan.orientation)
    canonical = order.along_target(voxel_spacing(geometry.affine))
    grid = dict(
        shape=list(inputs.shape[1:]),
        spacing=[canonical[2], canonical[1], canonical[0]],
        stored_orientation=geometry.axcodes,
    )
    return stems, grid


def _non_finite_record(non_finite: dict, raw) -> dict:
    """What ``conversion.json`` says of the voxels read as a fill (nothing when none were)."""
    if not non_finite:
        return {}
    fill = {name: fill_value(name) for name in raw.channels}
    return dict(non_finite=dict(read_as=fill, voxels=non_finite))


def _write_folds(out: Path, folds: list, stems: dict) -> None:
    import json

    for index, fold in enumerate(folds):
        for part in ('train', 'val'):
            lines = [stem for case in fold[part] for stem in stems[case]]
            (out / 'splits' / f'fold{index}_{part}.txt').write_text('\n'.join(lines) + '\n')
    (out / 'splits' / 'splits_final.json').write_text(json.dumps(folds, indent=1) + '\n')


def _intensity_ranges(plan, prints) -> list:
    """Per channel, the training volumes' percentile ranges a predictor holds scans to."""
    return [
        channel_range(channel['name'], [p.percentiles[i] for p in prints])
        for i, channel in enumerate(plan.channels)
    ]
