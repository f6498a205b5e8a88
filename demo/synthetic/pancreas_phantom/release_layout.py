"""Write pancreas phantoms as a raw Decathlon (Task07-like) or nnU-Net v2 set.

Decathlon (``layout='msd'``)::

    OUT/imagesTr/pancreas_001.nii.gz   int16 HU (X, Y, Z); with 2 channels float32 (X, Y, Z, 2)
    OUT/labelsTr/pancreas_001.nii.gz   uint8 0 background, 1 pancreas, 2 cancer
    OUT/imagesTs/pancreas_0NN.nii.gz   test cases, no labels
    OUT/dataset.json                   labels {"0": ...}, modality, training, test

nnU-Net v2 (``layout='nnunet'``)::

    OUT/imagesTr/PANC_001_0000.nii.gz  channel 0 (CT, int16), _0001 channel 1 (T2, float32)
    OUT/labelsTr/PANC_001.nii.gz
    OUT/imagesTs/PANC_0NN_0000.nii.gz
    OUT/dataset.json                   channel_names, labels {"background": 0, ...},
                                       numTraining, file_ending
"""

import json
from pathlib import Path

import numpy as np

from .case import LABELS, STORED_ORDERS, render_pancreas_case, stored_as, t2_like

__all__ = ['generate_decathlon_phantom']

LAYOUTS = ('msd', 'nnunet')
CHANNELS = ('CT', 'T2')


def generate_decathlon_phantom(
    out_dir,
    num_train: int = 16,
    num_test: int = 4,
    layout: str = 'msd',
    channels: int = 1,
    seed: int = 0,
    tumour_free_every: int = 6,
    progress: bool = True,
) -> Path:
    """Write a raw pancreas phantom set.

    Case ``i`` (1-based) is drawn from its own generator seeded by ``(seed, i)``, stored in
    voxel order ``STORED_ORDERS[i % 3]``, and has no tumour when ``i`` is a multiple of
    ``tumour_free_every`` (0: every case has one).

    Args:
        out_dir: Folder to create.
        num_train: Labelled cases (``imagesTr`` / ``labelsTr``).
        num_test: Unlabelled cases (``imagesTs``).
        layout: ``'msd'`` (Decathlon) or ``'nnunet'`` (nnU-Net v2).
        channels: 1 (CT) or 2 (CT and an MRI-like T2).
        seed: Base seed.
        tumour_free_every: Every so many cases has no tumour.
        progress: Show a progress bar.

    Returns:
        ``out_dir`` as a Path.

    Raises:
        ValueError: A count, layout or channel number out of range.
    """
    from tqdm import tqdm

    if num_train < 2 or num_test < 0:
        raise ValueError(f'need at least 2 training cases, got {num_train} (and {num_test} test)')
    if layout not in LAYOUTS or channels not in (1, 2):
        raise ValueError(f'layout must be one of {LAYOUTS} and channels 1 or 2')
    out = Path(out_dir)
    for folder in ('imagesTr', 'labelsTr', 'imagesTs'):
        (out / folder).mkdir(parents=True, exist_ok=True)
    prefix = 'pancreas' if layout == 'msd' else 'PANC'
    training, test = [], []
    cases = range(1, num_train + num_test + 1)
    for i in tqdm(cases, desc='phantom cases', disable=not progress, leave=False):
        rng = np.random.default_rng([seed, i])
        tumour = not (tumour_free_every and i % tumour_free_every == 0)
        hu, label, affine, mask = render_pancreas_case(rng, with_tumour=tumour)
        volumes = [hu] + ([t2_like(rng, hu, mask)] if channels == 2 else [])
        order = STORED_ORDERS[i % len(STORED_ORDERS)]
        stored = [stored_as(v, affine, order) for v in volumes]
        label, stored_affine = stored_as(label, affine, order)
        volumes = [v for v, _ in stored]
        labelled = i <= num_train
        case = f'{prefix}_{i:03d}'
        split = 'Tr' if labelled else 'Ts'
        if layout == 'msd':
            data = volumes[0] if channels == 1 else np.stack(volumes, -1).astype(np.float32)
            _save(out / f'images{split}' / f'{case}.nii.gz', data, stored_affine)
        else:
            for c, volume in enumerate(volumes):
                _save(out / f'images{split}' / f'{case}_{c:04d}.nii.gz', volume, stored_affine)
        if labelled:
            _save(out / 'labelsTr' / f'{case}.nii.gz', label, stored_affine)
        (training if labelled else test).append(case)
    meta = _dataset_json(layout, channels, training, test)
    (out / 'dataset.json').write_text(json.dumps(meta, indent=4) + '\n')
    return out


def _save(path: Path, data: np.ndarray, affine: np.ndarray) -> None:
    import nibabel as nib

    image = nib.Nifti1Image(data, affine)
    image.header.set_xyzt_units('mm')
    nib.save(image, path)


def _dataset_json(layout: str, channels: int, training: list, test: list) -> dict:
    names = CHANNELS[:channels]
    common = dict(
        name='PancreasPhantom',
        description='Pancreas and tumour in abdominal CT phantoms (attn-unet demo)',
        reference='demo/generate_decathlon_phantom.py of attn-unet',
        licence='Apache-2.0',
    )
    if layout == 'msd':
        return dict(
            common,
            tensorImageSize='3D' if channels == 1 else '4D',
            modality={str(i): n for i, n in enumerate(names)},
            labels={str(v): n for v, n in LABELS.items()},
            numTraining=len(training),
            numTest=len(test),
            training=[
                dict(image=f'./imagesTr/{c}.nii.gz', label=f'./labelsTr/{c}.nii.gz')
                for c in training
            ],
            test=[f'./imagesTs/{c}.nii.gz' for c in test],
        )
    return dict(
        common,
        channel_names={str(i): n for i, n in enumerate(names)},
        labels={n: v for v, n in LABELS.items()},
        numTraining=len(training),
        file_ending='.nii.gz',
    )
