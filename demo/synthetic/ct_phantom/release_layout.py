"""Write phantom cases in the raw layout of the Synapse (BTCV) release.

The layout is what ``mmseg/.mim/tools/dataset_converters/synapse.py`` reads::

    OUT/img/img0005.nii.gz     int16 HU, array (X, Y, Z)
    OUT/label/label0005.nii.gz uint8 BTCV ids 0..13, same shape and affine
    OUT/train.txt, OUT/val.txt one ``img0005.nii.gz`` line per case
"""

from pathlib import Path

import numpy as np

from .btcv import SYNAPSE_TEST_IDS, SYNAPSE_TRAIN_IDS
from .render import render_ct_case

__all__ = ['generate_ct_phantom']


def generate_ct_phantom(
    out_dir,
    num_train: int = 8,
    num_val: int = 4,
    slices: int = 48,
    size: tuple[int, int] = (256, 256),
    seed: int = 0,
    progress: bool = True,
    **render_kwargs,
) -> Path:
    """Write a phantom Synapse set in the raw BTCV layout.

    Case ids follow the standard split (training 0005, 0006, ...; test 0001,
    0002, ...); beyond its 18 / 12 cases they continue from 0041. Each case is
    drawn from its own generator seeded by ``(seed, case id)``, so a case does
    not change when the number of cases does.

    Args:
        out_dir: Folder to create (``img/``, ``label/``, ``train.txt``, ``val.txt``).
        num_train: Training cases (listed in ``train.txt``).
        num_val: Test cases (listed in ``val.txt``, the converter's ``img_dir/val``).
        slices: Axial slices per case.
        size: In-plane ``(H, W)``.
        seed: Base seed.
        progress: Show a progress bar.
        **render_kwargs: Passed to :func:`render_ct_case`.

    Returns:
        ``out_dir`` as a Path.

    Raises:
        ValueError: A count, size or slice number out of range.
    """
    import nibabel as nib
    from tqdm import tqdm

    if num_train < 1 or num_val < 1:
        raise ValueError(f'need at least 1 train and 1 val case, got {num_train} and {num_val}')
    if slices < 2 or min(size) < 32:
        raise ValueError(f'need >= 2 slices of >= 32x32 voxels, got {slices} of {size}')
    train_ids, val_ids = _case_ids(num_train, num_val)
    out = Path(out_dir)
    (out / 'img').mkdir(parents=True, exist_ok=True)
    (out / 'label').mkdir(exist_ok=True)
    cases = [*train_ids, *val_ids]
    for case in tqdm(cases, desc='phantom cases', disable=not progress, leave=False):
        rng = np.random.default_rng([seed, case])
        hu, label, affine = render_ct_case(rng, size, slices, **render_kwargs)
        for array, name in ((hu, f'img/img{case:04d}'), (label, f'label/label{case:04d}')):
            image = nib.Nifti1Image(array, affine)
            image.header.set_xyzt_units('mm')
            nib.save(image, out / f'{name}.nii.gz')
    for split, ids in (('train', train_ids), ('val', val_ids)):
        (out / f'{split}.txt').write_text(''.join(f'img{case:04d}.nii.gz\n' for case in ids))
    return out


def _case_ids(num_train: int, num_val: int) -> tuple[list[int], list[int]]:
    extra = iter(range(41, 10000))
    train = [*SYNAPSE_TRAIN_IDS[:num_train]]
    train += [next(extra) for _ in range(num_train - len(train))]
    val = [*SYNAPSE_TEST_IDS[:num_val]]
    val += [next(extra) for _ in range(num_val - len(val))]
    return train, val
