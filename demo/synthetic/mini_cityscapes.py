"""A tiny synthetic dataset in the real Cityscapes file layout.

It lets the whole Cityscapes path (polygons -> ``tools/dataset_converters/
cityscapes.py`` -> mmseg ``CityscapesDataset`` -> ``IoUMetric`` or the official
``CityscapesMetric``) run in seconds without the 11 GB download::

    root/
      leftImg8bit/{train,val}/{city}/{city}_{seq:06d}_{frame:06d}_leftImg8bit.png
      gtFine/{train,val}/{city}/{same stem}_gtFine_polygons.json
                                          _gtFine_labelIds.png
                                          _gtFine_color.png
                                          _gtFine_instanceIds.png

The label images come from cityscapesscripts' own ``json2labelImg`` and
``createInstanceImage``, so they agree with the polygons exactly as on the real
dataset. ``*_gtFine_labelTrainIds.png`` is left to the converter, as it is for a
fresh Cityscapes download.
"""

import json
from pathlib import Path

import numpy as np
from cityscapesscripts.helpers.annotation import Annotation
from cityscapesscripts.preparation.json2instanceImg import createInstanceImage
from cityscapesscripts.preparation.json2labelImg import json2labelImg
from PIL import Image

from attn_unet.errors import DatasetError

from .street_scene import render_street_image, sample_street_scene

__all__ = ['MINI_CITIES', 'generate_mini_cityscapes']

MINI_CITIES = {'train': ('aachen', 'bochum'), 'val': ('frankfurt', 'lindau')}
_FRAME = 19  # the annotated frame of each Cityscapes snippet is its 20th, *_000019


def generate_mini_cityscapes(
    root, num_train: int = 24, num_val: int = 8, height: int = 256, width: int = 512, seed: int = 0
) -> Path:
    """Write a mini Cityscapes of random street scenes under ``root``.

    Images alternate between the split's two cities. The output is a pure
    function of the arguments: the same seed gives byte-identical files.

    Args:
        root: Output folder, created if missing; existing files are overwritten.
        num_train: Images in ``train`` (cities aachen, bochum).
        num_val: Images in ``val`` (cities frankfurt, lindau).
        height: Image height in pixels (Cityscapes: 1024).
        width: Image width in pixels (Cityscapes: 2048).
        seed: Random seed.

    Returns:
        ``root`` as a Path.

    Raises:
        DatasetError: A count is negative or the size is under 16 x 16 pixels.
    """
    if num_train < 0 or num_val < 0:
        raise DatasetError(
            f'image counts must be >= 0, got num_train={num_train}, num_val={num_val}'
        )
    if height < 16 or width < 16:
        raise DatasetError(f'image size must be at least 16x16, got {height}x{width}')
    root = Path(root)
    index = 0
    for split, count in (('train', num_train), ('val', num_val)):
        for i in range(count):
            city = MINI_CITIES[split][i % 2]
            stem = f'{city}_{i // 2:06d}_{_FRAME:06d}'
            rng = np.random.default_rng([seed, index])
            _write_sample(root, split, city, stem, rng, height, width)
            index += 1
    return root


def _write_sample(root: Path, split: str, city: str, stem: str, rng, height: int, width: int):
    img_dir = root / 'leftImg8bit' / split / city
    gt_dir = root / 'gtFine' / split / city
    img_dir.mkdir(parents=True, exist_ok=True)
    gt_dir.mkdir(parents=True, exist_ok=True)

    scene = sample_street_scene(rng, height, width)
    image = render_street_image(scene, rng, height, width)
    Image.fromarray(image).save(img_dir / f'{stem}_leftImg8bit.png')

    polygons = gt_dir / f'{stem}_gtFine_polygons.json'
    annotation = {'imgHeight': height, 'imgWidth': width, 'objects': scene}
    polygons.write_text(json.dumps(annotation))
    json2labelImg(str(polygons), str(gt_dir / f'{stem}_gtFine_labelIds.png'), 'ids')
    json2labelImg(str(polygons), str(gt_dir / f'{stem}_gtFine_color.png'), 'color')
    _write_instance_ids(polygons, gt_dir / f'{stem}_gtFine_instanceIds.png')


def _write_instance_ids(polygons: Path, out: Path):
    """cityscapesscripts' instance image, saved as 16-bit PNG like the real files.

    ``json2instanceImg`` itself saves a 32-bit 'I' image, which Pillow >= 10
    refuses to write as PNG; ids are class * 1000 + instance < 34000, so 16 bit
    is lossless.
    """
    annotation = Annotation()
    annotation.fromJsonFile(str(polygons))
    ids = np.asarray(createInstanceImage(annotation, 'ids'), dtype=np.uint16)
    Image.fromarray(ids).save(out)
