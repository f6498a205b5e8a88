"""The layout entry of Cityscapes: mmseg's folders after its cityscapes.py converter."""

from .entry import LayoutEntry, register_layout

__all__ = ['CITYSCAPES']

CITYSCAPES = register_layout(
    LayoutEntry(
        dataset_type='CityscapesDataset',
        name='Cityscapes',
        img_suffix='_leftImg8bit.png',
        seg_suffix='_gtFine_labelTrainIds.png',
        img_files='*_leftImg8bit.png',
        seg_files='*_gtFine_labelTrainIds.png',
        converter='python3 tools/dataset_converters/cityscapes.py',
        no_root='link your Cityscapes copy there (ln -s /path/to/cityscapes {parent}/) '
        'or set data_root in the config',
        no_img_dir='unzip leftImg8bit_trainvaltest.zip from cityscapes-dataset.com into the data '
        'root, or fix data_prefix.img_path in the config',
        no_images='it should hold one folder per city of Cityscapes images; check data_root and '
        'data_prefix.img_path in the config',
        no_ann_dir='unzip gtFine_trainvaltest.zip from cityscapes-dataset.com into the data root '
        'and run {convert}, or fix data_prefix.seg_map_path in the config',
    )
)
