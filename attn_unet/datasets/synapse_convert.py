"""Raw Synapse (BTCV) NIfTI volumes -> mmseg's ``img_dir``/``ann_dir`` slices.

Runs mmseg's own converter (``mmseg/.mim/tools/dataset_converters/synapse.py``
inside the wheel: HU clipped to [-125, 275], the TransUNet 8-organ label
mapping, one ``caseXXXX_sliceYYY`` jpg/png per axial slice), so the slices are
exactly what mmseg writes. Around it: a check of the raw layout before anything
is written, a progress bar over the cases, and one-line errors naming the case
for a missing file, an image/label shape mismatch or a label id outside BTCV's
0..13.
"""

import contextlib
import importlib.util
import os.path as osp
import sys
from pathlib import Path

import numpy as np

from attn_unet.errors import DatasetLayoutError

__all__ = ['SynapseConvertError', 'convert_synapse', 'load_mmseg_synapse_converter']

MAX_BTCV_ID = 13
_REGISTER_HINT = (
    'the raw set comes from synapse.org (Multi-Atlas Labeling Beyond the Cranial Vault)'
)


class SynapseConvertError(DatasetLayoutError):
    """A raw Synapse folder that mmseg's converter cannot turn into a correct set."""


def load_mmseg_synapse_converter():
    """Import ``tools/dataset_converters/synapse.py`` from the installed mmseg wheel.

    Returns:
        The converter module (``main``, ``read_nii_file``, ``label_mapping``, ...).

    Raises:
        SynapseConvertError: The installed mmseg does not ship it.
    """
    import mmseg

    path = osp.join(osp.dirname(mmseg.__file__), '.mim/tools/dataset_converters/synapse.py')
    if not osp.isfile(path):
        raise SynapseConvertError(
            f'mmseg {mmseg.__version__} ships no Synapse converter at {path}: '
            'install mmsegmentation 1.2.x'
        )
    spec = importlib.util.spec_from_file_location('mmseg_synapse_converter', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def convert_synapse(dataset_path, save_path='data/synapse', progress: bool = True) -> dict:
    """Convert a raw Synapse folder with mmseg's converter.

    Args:
        dataset_path: Raw folder holding ``img/img00XX.nii.gz``,
            ``label/label00XX.nii.gz``, ``train.txt`` and ``val.txt`` (one
            ``img00XX.nii.gz`` line per case; mmseg reads the id as ``line[3:7]``).
        save_path: Output root; ``img_dir/{train,val}`` and
            ``ann_dir/{train,val}`` are created under it.
        progress: Show a progress bar over the cases.

    Returns:
        ``{'train': slices, 'val': slices}`` written per split.

    Raises:
        SynapseConvertError: A missing folder, list or volume, an image and label
            of different shapes, or a label id outside 0..13; the message names
            the case.
    """
    from tqdm import tqdm

    root = osp.normpath(str(dataset_path))
    splits = _check_raw_layout(root)
    converter = load_mmseg_synapse_converter()
    cases = [case for ids in splits.values() for case in ids]
    bar = tqdm(total=len(cases), desc='synapse cases', unit='case', disable=not progress)
    read_volume = converter.read_nii_file

    def read_checked(nii_path):
        volume = read_volume(nii_path)
        name = osp.basename(nii_path)
        if name.startswith('label'):
            _check_label_ids(volume, name)
            bar.update(1)  # the converter reads a case's image, then its label
        return volume

    argv = ['synapse.py', '--dataset-path', root, '--save-path', str(save_path)]
    try:
        converter.read_nii_file = read_checked
        with _patched_argv(argv):
            converter.main()
    finally:
        converter.read_nii_file = read_volume
        bar.close()
    counts = {}
    for split, ids in splits.items():
        ann_dir = Path(save_path) / 'ann_dir' / split
        counts[split] = sum(len(list(ann_dir.glob(f'case{case}_slice*.png'))) for case in ids)
    return counts


def _check_raw_layout(root: str) -> dict:
    """Everything mmseg's converter will open, checked from the NIfTI headers only.

    Returns:
        ``{'train': [case ids], 'val': [case ids]}`` as the converter reads them.
    """
    import nibabel as nib

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
    splits = {}
    for split in ('train', 'val'):
        list_path = osp.join(root, f'{split}.txt')
        if not osp.isfile(list_path):
            raise SynapseConvertError(
                f'no {split}.txt in {root}: write one img00XX.nii.gz line per {split} case'
            )
        with open(list_path) as f:
            lines = [line.strip() for line in f if line.strip()]
        if not lines:
            raise SynapseConvertError(f'{list_path} lists no case: add img00XX.nii.gz lines')
        splits[split] = [line[3:7] for line in lines]
    for ids in splits.values():
        for case in ids:
            img_path = osp.join(root, 'img', f'img{case}.nii.gz')
            label_path = osp.join(root, 'label', f'label{case}.nii.gz')
            for path in (img_path, label_path):
                if not osp.isfile(path):
                    raise SynapseConvertError(
                        f'case {case}: {path} not found (listed in train.txt or val.txt as '
                        f'img{case}.nii.gz); add the volume or remove the line'
                    )
            img_shape, label_shape = nib.load(img_path).shape, nib.load(label_path).shape
            if img_shape != label_shape:
                raise SynapseConvertError(
                    f'case {case}: image shape {img_shape} != label shape {label_shape}; '
                    'the label must be drawn on the image grid'
                )
    return splits


def _check_label_ids(volume: np.ndarray, name: str) -> None:
    ids = np.unique(volume)
    bad = ids[(ids < 0) | (ids > MAX_BTCV_ID) | (ids != np.round(ids))]
    if bad.size:
        raise SynapseConvertError(
            f'case {name[5:9]}: {name} holds label id {bad[0]:g}, outside the BTCV ids 0..'
            f'{MAX_BTCV_ID}; relabel it with the 13-organ ids (1 spleen ... 13 left adrenal)'
        )


@contextlib.contextmanager
def _patched_argv(argv):
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved
