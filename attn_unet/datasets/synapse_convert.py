"""Raw Synapse (BTCV) NIfTI volumes -> mmseg's ``img_dir``/``ann_dir`` slices.

Writes what mmseg's own converter (``tools/dataset_converters/synapse.py`` in
the wheel: the TransUNet preparation) writes, byte for byte at ``context`` 1:
one ``caseXXXX_sliceYYY.jpg`` image and ``.png`` label per axial slice under
``img_dir/{train,val}`` and ``ann_dir/{train,val}``. Every step of the slice
arithmetic comes from :mod:`attn_unet.slicing.ct_slices` (the predictor takes it from there too);
with ``context`` K > 1 each image is a K-channel TIFF of slice z and its
neighbours (2.5D input). Around it:

- the raw set is checked before anything is written, every volume opened through
  :mod:`attn_unet.volumes` as the predictor opens a scan: the lists, every volume whole
  with an affine that spans a volume, each label on its image's grid (shape and affine),
  one orientation for all cases (mmseg ignores the affine, so a model learns one voxel
  order), no case in both train.txt and val.txt, and no NaN or infinite voxel (an image's
  are read as air, -1024 HU, with ``allow_non_finite``, as the predictor's
  ``--allow-non-finite`` does, and ``conversion.json`` records them; a label's never);
- the set is written into a staging folder and swapped in whole with its record
  (:mod:`.staged_output`): no slice of an earlier run survives, an error
  midway (a truncated volume, a label id outside BTCV's 0..13) leaves the save
  path as it was, and a folder the converter did not write is refused;
- a progress bar over the cases, and one-line errors naming the case and file.
"""

import os.path as osp

import numpy as np

from attn_unet.errors import DatasetLayoutError, VolumeError
from attn_unet.slicing.ct_slices import (
    SliceSpec,
    btcv_to_synapse,
    encode_slice,
    encode_synapse_label,
    label_image,
    scale_hu,
    slice_image,
    to_synapse_slices,
)
from attn_unet.slicing.intensity_range import channel_range, scan_percentiles
from attn_unet.volumes import (
    AIR_HU,
    NiftiVolume,
    axis_codes,
    check_non_finite,
    fill_non_finite,
    grid_mismatch,
    open_nifti,
)

from .staged_output import StagedOutput

__all__ = ['SPLITS', 'SynapseConvertError', 'convert_synapse']

SPLITS = ('train', 'val')
MAX_BTCV_ID = 13
_REGISTER_HINT = (
    'the raw set comes from synapse.org (Multi-Atlas Labeling Beyond the Cranial Vault)'
)


class SynapseConvertError(DatasetLayoutError):
    """A raw Synapse folder that cannot be turned into a correct converted set."""


def convert_synapse(
    dataset_path,
    save_path='data/synapse',
    progress: bool = True,
    spec: SliceSpec = SliceSpec(),
    allow_non_finite: bool = False,
) -> dict:
    """Convert a raw Synapse folder into mmseg's slice layout.

    Args:
        dataset_path: Raw folder holding ``img/img00XX.nii.gz``,
            ``label/label00XX.nii.gz``, ``train.txt`` and ``val.txt`` (one
            ``img00XX.nii.gz`` line per case; the id is ``line[3:7]``, as mmseg reads it).
        save_path: Output root: new, empty, or an earlier conversion by this
            converter (replaced whole). ``img_dir/{train,val}``,
            ``ann_dir/{train,val}`` and ``conversion.json`` are written under it.
        progress: Show a progress bar over the cases.
        spec: How slices are cut; ``SliceSpec()`` (K = 1) is mmseg's output.
        allow_non_finite: Read an image's NaN and infinite voxels as air (-1024 HU)
            instead of refusing the case.

    Returns:
        ``{'train': slices, 'val': slices, 'non_finite': {case: voxels}}``: the slices
        written per split, and the voxels read as air per case.

    Raises:
        SynapseConvertError: A missing folder, list or volume, a case in both
            lists, cases in different orientations, a label not on its image's grid,
            a volume that cannot be read (cut, damaged, a singular affine), NaN or
            infinite voxels (an image's unless allowed), or a label id outside 0..13;
            the message names the case.
        DatasetLayoutError: ``save_path`` holds files this converter did not write.
    """
    from tqdm import tqdm

    root = osp.normpath(str(dataset_path))
    splits, orientation, volumes = _check_raw_layout(root, allow_non_finite)
    counts = dict.fromkeys(SPLITS, 0)
    with StagedOutput(save_path, 'synapse') as staged:
        for split in SPLITS:
            for folder in ('img_dir', 'ann_dir'):
                (staged.path / folder / split).mkdir(parents=True)
        cases = [(split, case) for split in SPLITS for case in splits[split]]
        trained_on = []  # the training volumes' percentiles, for predict's intensity check
        with tqdm(cases, desc='synapse cases', unit='case', disable=not progress) as bar:
            for split, case in bar:
                written, percentiles = _write_case(volumes[case], case, staged.path, split, spec)
                counts[split] += written
                trained_on += [percentiles] if split == 'train' else []
        ct_slices = dict(
            spec.to_dict(),
            image_suffix=spec.image_suffix,
            orientation=orientation,
            intensity_range=[channel_range('CT', trained_on)] if trained_on else [],
        )
        non_finite = {c: v['img'].non_finite for c, v in volumes.items() if v['img'].non_finite}
        record = {
            'source': osp.abspath(root),
            'ct_slices': ct_slices,
            'splits': {split: list(splits[split]) for split in SPLITS},
        }
        if non_finite:
            record['non_finite'] = dict(read_as=AIR_HU, voxels=non_finite)
        staged.commit(record)
    return dict(counts, non_finite=non_finite)


def _write_case(volumes: dict, case: str, out, split: str, spec: SliceSpec) -> tuple:
    """Write one case's slices under ``out``; returns how many, and the HU percentiles."""
    image = _read_volume(volumes['img'], case)
    label = _read_volume(volumes['label'], case)
    _check_label_ids(label, case)
    image_slices = to_synapse_slices(scale_hu(image, spec))
    label_slices = btcv_to_synapse(to_synapse_slices(label))
    for z in range(len(image_slices)):
        stem = f'case{case.zfill(4)}_slice{z:03d}'
        image_bytes = encode_slice(slice_image(image_slices, z, spec), spec)
        (out / 'img_dir' / split / f'{stem}{spec.image_suffix}').write_bytes(image_bytes)
        label_bytes = encode_synapse_label(label_image(label_slices, z))
        (out / 'ann_dir' / split / f'{stem}.png').write_bytes(label_bytes)
    return len(image_slices), scan_percentiles(image)


def _volume_path(root: str, case: str, kind: str) -> str:
    return osp.join(root, kind, f'{kind}{case}.nii.gz')


def _read_volume(volume: NiftiVolume, case: str) -> np.ndarray:
    """The ``(X, Y, Z)`` float64 voxels of a case's opened image or label, scaled; an image's
    non-finite voxels (allowed, or the checks would have refused them) read as air."""
    try:
        data = volume.read(np.float64)
    except VolumeError as exc:
        raise SynapseConvertError(f'case {case}: {exc} (nothing was written)') from None
    if volume.non_finite:
        fill_non_finite(data[None], ['CT'])
    return data


def _check_raw_layout(root: str, allow_non_finite: bool = False) -> tuple[dict, str, dict]:
    """Everything the conversion will read, opened and checked before anything is written.

    Returns:
        ``({'train': [case ids], 'val': [case ids]}, orientation, volumes)``: the ids as
        mmseg reads them, the cases' common voxel order
        (:func:`attn_unet.volumes.axis_codes`, e.g. ``'PRS'``), and per case its image and
        label opened (``{case: {'img': volume, 'label': volume}}``).
    """
    if not osp.isdir(root):
        raise SynapseConvertError(
            f"raw Synapse folder '{root}' not found: pass the folder holding img/, label/, "
            f'train.txt and val.txt ({_REGISTER_HINT})'
        )
    for folder in ('img', 'label'):
        if not osp.isdir(osp.join(root, folder)):
            raise SynapseConvertError(
                f"no '{folder}/' folder in {root}: it should hold {folder}00XX.nii.gz volumes "
                f'({_REGISTER_HINT})'
            )
    splits = {split: _read_case_list(root, split) for split in SPLITS}
    both = [case for case in splits['train'] if case in splits['val']]
    if both:
        raise SynapseConvertError(
            f'case {both[0]} is listed in both train.txt and val.txt'
            f'{f" (and {len(both) - 1} more)" if len(both) > 1 else ""}: a case belongs to one '
            'split; remove it from one list'
        )
    orientations, volumes = {}, {}
    for ids in splits.values():
        for case in ids:
            volumes[case] = _open_case(root, case, allow_non_finite)
            orientations[case] = axis_codes(volumes[case]['img'].affine)
    first = next(iter(orientations))
    other = next((c for c, o in orientations.items() if o != orientations[first]), None)
    if other is not None:
        raise SynapseConvertError(
            f'cases {first} and {other} are in different orientations ({orientations[first]} '
            f'and {orientations[other]}, the voxel orders of their affines): reorient every '
            'volume to one (e.g. nibabel.as_closest_canonical) before converting; the slices '
            'ignore the affine, so a model would learn two voxel orders'
        )
    return splits, orientations[first], volumes


def _read_case_list(root: str, split: str) -> list:
    list_path = osp.join(root, f'{split}.txt')
    if not osp.isfile(list_path):
        raise SynapseConvertError(
            f'no {split}.txt in {root}: write one img00XX.nii.gz line per {split} case'
        )
    with open(list_path) as f:
        ids = [line.strip()[3:7] for line in f if line.strip()]
    if not ids:
        raise SynapseConvertError(f'{list_path} lists no case: add img00XX.nii.gz lines')
    twice = next((case for i, case in enumerate(ids) if case in ids[:i]), None)
    if twice is not None:
        raise SynapseConvertError(
            f'case {twice} is listed twice in {list_path}: remove one of its lines'
        )
    return ids


def _open_case(root: str, case: str, allow_non_finite: bool) -> dict:
    """Open a case's two volumes and check that they fit; ``{'img': ..., 'label': ...}``."""
    volumes = {}
    for kind in ('img', 'label'):
        path = _volume_path(root, case, kind)
        if osp.isdir(path):
            raise SynapseConvertError(
                f'case {case}: {path} is a folder, not a NIfTI file: put the volume there or '
                f'remove img{case}.nii.gz from train.txt / val.txt'
            )
        if not osp.isfile(path):
            raise SynapseConvertError(
                f'case {case}: {path} not found (listed in train.txt or val.txt as '
                f'img{case}.nii.gz); add the volume or remove the line'
            )
        try:
            volumes[kind] = open_nifti(path, 'a NIfTI volume')
        except VolumeError as exc:
            raise SynapseConvertError(f'case {case}: {exc} (nothing was written)') from None
    img_shape, label_shape = volumes['img'].shape, volumes['label'].shape
    if img_shape != label_shape:
        raise SynapseConvertError(
            f'case {case}: image shape {img_shape} != label shape {label_shape}; '
            'the label must be drawn on the image grid'
        )
    if len(img_shape) != 3:
        raise SynapseConvertError(
            f'case {case}: image shape {img_shape} is not a 3D (X, Y, Z) volume: '
            'convert 3D volumes only'
        )
    image, label = volumes['img'], volumes['label']
    mismatch = grid_mismatch(image.shape, image.affine, label.shape, label.affine)
    if mismatch:
        raise SynapseConvertError(
            f'case {case}: label {label.path} is not on the grid of image {image.path} '
            f"({mismatch}): resample the label onto the image grid, or give it the image's "
            'qform/sform if it was drawn on it (nothing was written)'
        )
    if label.non_finite:
        raise SynapseConvertError(
            f'case {case}: label {label.path} has {label.non_finite} voxels that are not finite '
            '(NaN or inf): a label holds one organ id per voxel; export it again (nothing was '
            'written)'
        )
    try:
        check_non_finite(image.path, image.non_finite, int(np.prod(image.shape)), ['CT'],
                         allow_non_finite, '--allow-non-finite')  # fmt: skip
    except VolumeError as exc:
        raise SynapseConvertError(f'case {case}: {exc} (nothing was written)') from None
    return volumes


def _check_label_ids(volume: np.ndarray, case: str) -> None:
    ids = np.unique(volume)
    bad = ids[(ids < 0) | (ids > MAX_BTCV_ID) | (ids != np.round(ids))]
    if bad.size:
        raise SynapseConvertError(
            f'case {case}: label{case}.nii.gz holds label id {bad[0]:g}, outside the BTCV ids '
            f'0..{MAX_BTCV_ID}; relabel it with the 13-organ ids (1 spleen ... 13 left adrenal)'
        )
