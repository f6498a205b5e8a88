"""The layout entry of DRIVE: the folders ``tools/dataset_converters/drive.py`` writes."""

from .entry import LayoutEntry, register_layout

__all__ = ['DRIVE']

DRIVE = register_layout(
    LayoutEntry(
        dataset_type='DRIVEDataset',
        name='DRIVE',
        img_suffix='.png',
        seg_suffix='_manual1.png',
        img_files='*.png',
        seg_files='*_manual1.png',
        converter='python3 tools/dataset_converters/drive.py training.zip test.zip -o',
        no_root="convert DRIVE's zips with {convert}, or set data_root in the config",
        no_images='run {convert}, or fix data_prefix.img_path in the config',
    )
)
