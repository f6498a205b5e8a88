"""Raw Synapse (BTCV) NIfTI volumes -> mmseg's ``img_dir``/``ann_dir`` slices.

Writes what mmseg's own converter (``tools/dataset_converters/synapse.py`` in
the wheel: the TransUNet preparation) writes, byte for byte at ``context`` 1:
one ``caseXXXX_sliceYYY.jpg`` image and ``.png`` label per axial slice under
``img_dir/{train,val}`` and ``ann_dir/{train,val}``. Every step of the slice
arithmetic comes from :mod:`.ct_slices` (the predictor takes it from there too);
with ``context`` K > 1 each image is a K-channel TIFF of slice z and its
neighbours (2.5D input). Around it:

- the raw layout is checked from the NIfTI headers before anything is written:
  the lists, every volume, image and label shapes, one orientation for all
  cases (mmseg ignores the affine, so a model learns one voxel order), and no
  case in both train.txt and val.txt;
- the set is written into a staging folder and swapped in whole with its record
  (:mod:`.staged_output`): no slice of an earlier run survives, an error
  midway (a truncated volume, a label id outside BTCV's 0..13) leaves the save
  path as it was, and a folder the converter did not write is refused;
- a progress bar over the cases, and one-line errors naming the case and file.
"""

import os.path as osp
import zlib

import numpy as np

from attn_unet.errors import DatasetLayoutError

from .ct_slices import (
    SliceSpec,
    btcv_to_synapse,
    encode_label,
    encode_slice,
    label_image,
    scale_hu,
    slice_image,
    to_slice_axes,
)
from .nifti_whole import nifti_damage
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
    dataset_path, save_path='data/synapse', progress: bool = True, spec: SliceSpec = SliceSpec()
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

    Returns:
        ``{'train': slices, 'val': slices}`` written per split.

    Raises:
        SynapseConvertError: A missing folder, list or volume, a case in both
            lists, cases in different orientations, an image and label of
            different shapes, a volume that cannot be read, or a label id outside
            0..13; the message names the case.
        DatasetLayoutError: ``save_path`` holds files this converter did not write.
    """
    from tqdm import tqdm

    root = osp.normpath(str(dataset_path))
    splits, orientation = _check_raw_layout(root)
    counts = dict.fromkeys(SPLITS, 0)
    with StagedOutput(save_path, 'synapse') as staged:
        for split in SPLITS:
            for folder in ('img_dir', 'ann_dir'):
                (staged.path / folder / split).mkdir(parents=True)
        cases = [(split, case) for split in SPLITS for case in splits[split]]
        with tqdm(cases, desc='synapse cases', unit='case', disable=not progress) as bar:
            for split, case in bar:
                counts[split] += _write_case(root, case, staged.path, split, spec)
        ct_slices = dict(spec.to_dict(), image_suffix=spec.image_suffix, orientation=orientation)
        staged.commit(
            {
                'source': osp.abspath(root),
                'ct_slices': ct_slices,
                'splits': {split: list(splits[split]) for split in SPLITS},
            }
        )
    return counts


def _write_case(root: str, case: str, out, split: str, spec: SliceSpec) -> int:
    """Write one case's slices under ``out``; returns how many."""
    image = _read_volume(root, case, 'img')
    label = _read_volume(root, case, 'label')
    _check_label_ids(label, case)
    image_slices = to_slice_axes(scale_hu(image, spec))
    label_slices = btcv_to_synapse(to_slice_axes(label))
    for z in range(len(image_slices)):
        stem = f'case{case.zfill(4)}_slice{z:03d}'
        image_bytes = encode_slice(slice_image(image_slices, z, spec), spec)
        (out / 'img_dir' / split / f'{stem}{spec.image_suffix}').write_bytes(image_bytes)
        label_bytes = encode_label(label_image(label_slices, z))
        (out / 'ann_dir' / split / f'{stem}.png').write_bytes(label_bytes)
    return len(image_slices)


def _volume_path(root: str, case: str, kind: str) -> str:
    return osp.join(root, kind, f'{kind}{case}.nii.gz')


def _read_volume(root: str, case: str, kind: str) -> np.ndarray:
    """The ``(X, Y, Z)`` float64 voxels of a case's image or label, as nibabel gives them."""
    import nibabel as nib

    path = _volume_path(root, case, kind)
    try:
        return nib.load(path).get_fdata()
    except (OSError, EOFError, ValueError, zlib.error, nib.filebasedimages.ImageFileError) as exc:
        raise SynapseConvertError(_unreadable(case, path, _reason(exc))) from exc


def _unreadable(case: str, path: str, reason: str) -> str:
    return (
        f'case {case}: cannot read {path} ({reason}): the file is truncated or corrupt; '
        'copy or download it again (nothing was written)'
    )


def _check_raw_layout(root: str) -> tuple[dict, str]:
    """Everything the conversion will open, checked from the NIfTI headers only.

    Returns:
        ``({'train': [case ids], 'val': [case ids]}, orientation)``: the ids as
        mmseg reads them, and the cases' common ``nibabel.aff2axcodes``, e.g. ``'PRS'``.
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
    orientations = {}
    for ids in splits.values():
        for case in ids:
            orientations[case] = _check_case_headers(root, case)
    first = next(iter(orientations))
    other = next((c for c, o in orientations.items() if o != orientations[first]), None)
    if other is not None:
        raise SynapseConvertError(
            f'cases {first} and {other} are in different orientations ({orientations[first]} '
            f'and {orientations[other]}, nibabel.aff2axcodes of their affines): reorient every '
            'volume to one (e.g. nibabel.as_closest_canonical) before converting; the slices '
            'ignore the affine, so a model would learn two voxel orders'
        )
    return splits, orientations[first]


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


def _check_case_headers(root: str, case: str) -> str:
    """Check a case's two volumes from their headers; returns the image's orientation."""
    import nibabel as nib

    headers = {}
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
            headers[kind] = nib.load(path)
        except (OSError, EOFError, ValueError, nib.filebasedimages.ImageFileError) as exc:
            raise SynapseConvertError(
                f'case {case}: cannot read the header of {path} ({_reason(exc)}): the file is '
                'truncated or not NIfTI; copy or download it again'
            ) from exc
        damage = nifti_damage(path, headers[kind])
        if damage:
            raise SynapseConvertError(_unreadable(case, path, damage))
    img_shape, label_shape = headers['img'].shape, headers['label'].shape
    if img_shape != label_shape:
        raise SynapseConvertError(
            f'case {case}: image shape {img_shape} != label shape {label_shape}; '
            'the label must be drawn on the image grid'
        )
    if len(img_shape) != 3:
        raise SynapseConvertError(
            f'case {case}: image shape {img_shape} is not a 3D (X, Y, Z) volume: '
            'convert 3D CT volumes only'
        )
    return ''.join(nib.aff2axcodes(headers['img'].affine))


def _check_label_ids(volume: np.ndarray, case: str) -> None:
    ids = np.unique(volume)
    bad = ids[(ids < 0) | (ids > MAX_BTCV_ID) | (ids != np.round(ids))]
    if bad.size:
        raise SynapseConvertError(
            f'case {case}: label{case}.nii.gz holds label id {bad[0]:g}, outside the BTCV ids '
            f'0..{MAX_BTCV_ID}; relabel it with the 13-organ ids (1 spleen ... 13 left adrenal)'
        )


def _reason(exc: BaseException) -> str:
    text = ' '.join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + '...'
