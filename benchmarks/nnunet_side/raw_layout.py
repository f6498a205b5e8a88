"""A Decathlon or nnU-Net raw set as nnU-Net v2 reads it, and the converter's folds for it.

nnU-Net wants ``nnUNet_raw/DatasetNNN_Name/`` with one file per channel
(``imagesTr/CASE_0000.nii.gz``), ``labelsTr/CASE.nii.gz`` and a v2 ``dataset.json``. The
case names are kept, so the converter's folds (``conversion.json``) are nnU-Net's
``splits_final.json`` as they are: both tools train and validate on the same cases. Files
are linked, not copied; a Decathlon 4D image with several channels is split into one file
per channel.
"""

import json
import os
from pathlib import Path

__all__ = ['nnunet_dataset', 'write_splits']


def _link(source: str, target: Path) -> None:
    if not target.exists():
        os.symlink(os.path.abspath(source), target)


def nnunet_dataset(raw_root: Path, nnunet_raw: Path, dataset_id: int) -> Path:
    """``nnunet_raw/DatasetNNN_<name>`` for ``raw_root`` (made once; the folder's path).

    Raises:
        attn_unet.datasets.decathlon.DecathlonConvertError: the raw set is not readable.
    """
    import nibabel as nib

    from attn_unet.datasets.decathlon import read_raw_set

    raw = read_raw_set(raw_root)
    name = ''.join(c if c.isalnum() else '_' for c in raw.name) or 'Set'
    folder = nnunet_raw / f'Dataset{dataset_id:03d}_{name}'
    if (folder / 'dataset.json').is_file():
        return folder
    for part in ('imagesTr', 'labelsTr'):
        (folder / part).mkdir(parents=True, exist_ok=True)
    for case in raw.training:
        _link(case.label, folder / 'labelsTr' / f'{case.case_id}.nii.gz')
        if not raw.stacked_channels or len(raw.channels) == 1:
            for channel, path in enumerate(case.images):
                _link(path, folder / 'imagesTr' / f'{case.case_id}_{channel:04d}.nii.gz')
            continue
        image = nib.load(case.images[0])
        data = image.get_fdata(dtype='float32')
        for channel in range(len(raw.channels)):
            nib.save(nib.Nifti1Image(data[..., channel], image.affine, image.header),
                     folder / 'imagesTr' / f'{case.case_id}_{channel:04d}.nii.gz')  # fmt: skip
    meta = dict(
        name=raw.name,
        channel_names={str(i): c for i, c in enumerate(raw.channels)},
        labels={n: v for v, n in raw.labels.items()},
        numTraining=len(raw.training),
        file_ending='.nii.gz',
    )
    (folder / 'dataset.json').write_text(json.dumps(meta, indent=1) + '\n')
    return folder


def write_splits(conversion: Path, preprocessed_dataset: Path) -> list:
    """The converter's folds (``conversion.json``) as nnU-Net's ``splits_final.json``."""
    folds = json.loads(conversion.read_text())['splits']['folds']
    preprocessed_dataset.mkdir(parents=True, exist_ok=True)
    splits = [dict(train=list(f['train']), val=list(f['val'])) for f in folds]
    (preprocessed_dataset / 'splits_final.json').write_text(json.dumps(splits, indent=1) + '\n')
    return splits
