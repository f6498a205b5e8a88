import re

import numpy as np
import pytest
from cityscapesscripts.helpers.annotation import Annotation
from cityscapesscripts.helpers.labels import name2label
from cityscapesscripts.preparation.json2labelImg import json2labelImg
from PIL import Image

from demo.synthetic import MINI_CITIES, generate_mini_cityscapes, sample_street_scene
from tests.helpers.data_fixtures import HEIGHT, NUM_TRAIN, NUM_VAL, WIDTH

GT_SUFFIXES = (
    '_gtFine_polygons.json',
    '_gtFine_labelIds.png',
    '_gtFine_color.png',
    '_gtFine_instanceIds.png',
)
DRAWN = {
    'sky',
    'building',
    'vegetation',
    'terrain',
    'sidewalk',
    'road',
    'pole',
    'traffic sign',
    'traffic light',
    'person',
    'car',
}


def _stems(root, split):
    return sorted(
        p.name[: -len('_leftImg8bit.png')]
        for p in (root / 'leftImg8bit' / split).rglob('*_leftImg8bit.png')
    )


@pytest.mark.parametrize('split, count', [('train', NUM_TRAIN), ('val', NUM_VAL)])
def test_layout_and_names_follow_cityscapes(mini_root, split, count):
    stems = _stems(mini_root, split)
    assert len(stems) == count
    cities = {s.split('_')[0] for s in stems}
    assert cities == set(MINI_CITIES[split])
    for stem in stems:
        city = stem.split('_')[0]
        assert re.fullmatch(rf'{city}_\d{{6}}_\d{{6}}', stem)
        assert (mini_root / 'leftImg8bit' / split / city / f'{stem}_leftImg8bit.png').is_file()
        gt = sorted(p.name for p in (mini_root / 'gtFine' / split / city).glob(f'{stem}_*'))
        assert gt == sorted(stem + s for s in GT_SUFFIXES)
    assert not list(mini_root.rglob('*labelTrainIds.png'))


def test_images_and_label_maps_share_the_size(mini_root):
    img_file = next(mini_root.rglob('*_leftImg8bit.png'))
    img = Image.open(img_file)
    assert img.mode == 'RGB' and img.size == (WIDTH, HEIGHT)
    stem = str(img_file).replace('leftImg8bit/', 'gtFine/').replace('_leftImg8bit.png', '')
    assert Image.open(stem + '_gtFine_labelIds.png').size == (WIDTH, HEIGHT)
    assert np.asarray(img).std() > 10  # a picture, not a blank


def test_polygons_load_in_cityscapesscripts(mini_root):
    for path in mini_root.rglob('*_gtFine_polygons.json'):
        annotation = Annotation()
        annotation.fromJsonFile(str(path))
        assert (annotation.imgHeight, annotation.imgWidth) == (HEIGHT, WIDTH)
        assert annotation.objects[0].label == 'sky'  # drawn first, covered by the rest
        for obj in annotation.objects:
            assert obj.label in name2label and len(obj.polygon) >= 3
            xs, ys = zip(*obj.polygon)
            assert 0 <= min(xs) and max(xs) < WIDTH and 0 <= min(ys) and max(ys) < HEIGHT


def test_label_images_agree_with_polygons(mini_root, tmp_path):
    polygons = next(mini_root.rglob('*_gtFine_polygons.json'))
    stem = str(polygons)[: -len('_polygons.json')]
    json2labelImg(str(polygons), str(tmp_path / 'ids.png'), 'ids')
    ids = np.asarray(Image.open(stem + '_labelIds.png'))
    np.testing.assert_array_equal(ids, np.asarray(Image.open(tmp_path / 'ids.png')))
    instances = np.asarray(Image.open(stem + '_instanceIds.png')).astype(np.int64)
    np.testing.assert_array_equal(np.where(instances >= 1000, instances // 1000, instances), ids)
    assert (instances >= name2label['car'].id * 1000).any()
    color = np.asarray(Image.open(stem + '_color.png'))[..., :3]
    car = ids == name2label['car'].id
    assert (color[car] == name2label['car'].color).all()


def test_every_drawn_class_appears():
    labels = set()
    for i in range(8):
        labels |= {o['label'] for o in sample_street_scene(np.random.default_rng(i), 256, 512)}
    assert DRAWN <= labels


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob('*') if p.is_file()}

    a = files(generate_mini_cityscapes(tmp_path / 'a', 2, 1, 32, 64, seed=7))
    b = files(generate_mini_cityscapes(tmp_path / 'b', 2, 1, 32, 64, seed=7))
    c = files(generate_mini_cityscapes(tmp_path / 'c', 2, 1, 32, 64, seed=8))
    assert a == b
    assert a.keys() == c.keys() and a != c


@pytest.mark.parametrize('kwargs', [dict(num_train=-1), dict(height=8), dict(width=0)])
def test_bad_arguments_raise(tmp_path, kwargs):
    with pytest.raises(ValueError, match='must be'):
        generate_mini_cityscapes(tmp_path, **kwargs)
