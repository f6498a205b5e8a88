import itertools

import numpy as np
import pytest
from PIL import Image

from attn_unet.datasets import ForegroundOversamplingSampler
from attn_unet.errors import ToolError


class _Slices:
    """A dataset of label maps: ``labels[i]`` (H, W) class ids, written as PNGs."""

    def __init__(self, tmp_path, labels, classes=('background', 'organ', 'tumour')):
        self.paths = []
        for i, label in enumerate(labels):
            path = tmp_path / f'slice{i:03d}.png'
            Image.fromarray(label.astype(np.uint8)).save(path)
            self.paths.append(str(path))
        self.metainfo = dict(classes=classes)

    def __len__(self):
        return len(self.paths)

    def get_data_info(self, index):
        return dict(seg_map_path=self.paths[index])


def _rare_tumour_set(tmp_path):
    """100 slices: 40 with the organ, 2 (slices 7 and 50) with a tumour as well."""
    labels = []
    for i in range(100):
        label = np.zeros((8, 8), np.uint8)
        if i < 40 or i == 50:
            label[2:5, 2:5] = 1
        if i in (7, 50):
            label[3, 3] = 2
        labels.append(label)
    return _Slices(tmp_path, labels)


def _draws(sampler, n):
    return np.array(list(itertools.islice(iter(sampler), n)))


def test_a_third_of_the_draws_go_to_the_foreground_classes_in_equal_shares(tmp_path):
    sampler = ForegroundOversamplingSampler(_rare_tumour_set(tmp_path), seed=0)
    draws = _draws(sampler, 30000)
    tumour_share = np.isin(draws, [7, 50]).mean()
    # 1/3 * 1/2 for the tumour class, 2 of the organ class's 41 slices, 2 in 100 uniformly
    assert tumour_share == pytest.approx(1 / 6 + 1 / 6 * 2 / 41 + 2 / 3 * 0.02, abs=0.01)
    organ_share = np.isin(draws, list(range(40)) + [50]).mean()  # both tumours lie in organ
    assert organ_share == pytest.approx(1 / 6 + 1 / 6 + 2 / 3 * 0.41, abs=0.015)
    assert set(np.unique(draws)) == set(range(100))  # the uniform part reaches every slice


def test_without_oversampling_every_slice_is_equally_likely(tmp_path):
    sampler = ForegroundOversamplingSampler(
        _rare_tumour_set(tmp_path), foreground_fraction=0, seed=0
    )
    assert np.isin(_draws(sampler, 20000), [7, 50]).mean() == pytest.approx(0.02, abs=0.005)


def test_a_seed_gives_one_stream_and_each_rank_its_own(tmp_path, monkeypatch):
    dataset = _rare_tumour_set(tmp_path)
    first = _draws(ForegroundOversamplingSampler(dataset, seed=3), 200)
    np.testing.assert_array_equal(
        first, _draws(ForegroundOversamplingSampler(dataset, seed=3), 200)
    )
    monkeypatch.setattr(
        'attn_unet.datasets.samplers.foreground_oversampling_sampler.get_dist_info',
        lambda: (1, 2),
    )
    assert not np.array_equal(first, _draws(ForegroundOversamplingSampler(dataset, seed=3), 200))


def test_a_set_without_foreground_is_sampled_uniformly(tmp_path):
    dataset = _Slices(tmp_path, [np.zeros((4, 4)) for _ in range(5)])
    assert set(_draws(ForegroundOversamplingSampler(dataset, seed=0), 200)) == set(range(5))


@pytest.mark.parametrize('fraction', [-0.1, 1.5, True])
def test_a_fraction_outside_zero_one_is_refused(tmp_path, fraction):
    with pytest.raises(ValueError, match='foreground_fraction') as refused:
        ForegroundOversamplingSampler(_rare_tumour_set(tmp_path), foreground_fraction=fraction)
    assert isinstance(refused.value, ToolError)  # the tools print it as one line, exit code 2


def test_shuffle_false_is_refused(tmp_path):
    with pytest.raises(ValueError, match='shuffle=False'):
        ForegroundOversamplingSampler(_rare_tumour_set(tmp_path), shuffle=False)


def test_the_runner_builds_it_in_place_of_the_infinite_sampler(tmp_path):
    from mmengine.registry import DATA_SAMPLERS

    sampler = DATA_SAMPLERS.build(
        dict(type='ForegroundOversamplingSampler', shuffle=True),
        default_args=dict(dataset=_rare_tumour_set(tmp_path), seed=1),
    )
    assert isinstance(sampler, ForegroundOversamplingSampler) and sampler.seed == 1
