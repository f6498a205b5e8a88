"""Layouts are registered entries: a new dataset is one entry, checked like the built-in ones."""

import pytest

from attn_unet.datasets import check_dataset_cfg
from attn_unet.datasets.layouts import (
    CITYSCAPES,
    DECATHLON,
    DRIVE,
    LAYOUTS,
    SYNAPSE,
    LayoutEntry,
    find_layout,
    register_layout,
)
from attn_unet.datasets.layouts import entry as entry_module
from attn_unet.errors import DatasetLayoutError


@pytest.fixture
def own_registry(monkeypatch):
    """A private copy of the registry, so a test's entries do not outlive it."""
    registry = dict(LAYOUTS)
    monkeypatch.setattr(entry_module, 'LAYOUTS', registry)
    return registry


def _toy_entry(**kwargs) -> LayoutEntry:
    fields = dict(
        dataset_type='ToySliceDataset',
        name='Toy',
        img_suffix='.tiff',
        seg_suffix='.png',
        img_files='CASE_sliceZZZ{img_suffix}',
        seg_files='.png label',
        converter='python3 tools/dataset_converters/toy.py RAW --save-path',
        no_root='convert the toy set with {convert}',
        no_images='run {convert}',
        items='slices',
    )
    return LayoutEntry(**{**fields, **kwargs})


@pytest.mark.parametrize(
    'dataset_type, entry',
    [
        ('CityscapesDataset', CITYSCAPES),
        ('mmseg.CityscapesDataset', CITYSCAPES),
        ('DRIVEDataset', DRIVE),
        ('SynapseDataset', SYNAPSE),
        ('SynapseSliceDataset', SYNAPSE),  # a registered subclass takes its base's entry
        ('VolumeSliceDataset', DECATHLON),  # the Decathlon / nnU-Net converter's volumes
        ('ADE20KDataset', None),
    ],
)
def test_a_config_type_finds_its_entry(dataset_type, entry):
    assert find_layout(dataset_type) is entry


def test_a_dataset_class_as_type_finds_its_entry():
    from attn_unet.datasets import SynapseSliceDataset

    assert find_layout(SynapseSliceDataset) is SYNAPSE


def test_a_registered_entry_is_checked_with_its_own_folders_and_checks(own_registry, tmp_path):
    seen = []
    register_layout(_toy_entry(checks=(lambda cfg, model: seen.append((cfg['type'], model)),)))
    root = tmp_path / 'toy'
    (root / 'img').mkdir(parents=True)
    (root / 'img' / 'c1_slice000.tiff').touch()
    cfg = dict(
        type='ToySliceDataset',
        data_root=str(root),
        data_prefix=dict(img_path='img', seg_map_path='ann'),
    )
    with pytest.raises(DatasetLayoutError) as info:
        check_dataset_cfg(dict(type='RepeatDataset', times=2, dataset=cfg), {'m': 1})
    assert str(info.value) == (
        f"no 'ann' under {root}: run python3 tools/dataset_converters/toy.py RAW --save-path "
        f'{root}, or fix data_prefix.seg_map_path in the config'
    )
    assert seen == [('ToySliceDataset', {'m': 1})]  # its check ran before the folders were listed


def test_an_entrys_check_stops_the_run_in_its_own_words(own_registry, tmp_path):
    def refuse(cfg, model):
        raise DatasetLayoutError(f'{cfg["data_root"]} was converted for another model')

    register_layout(_toy_entry(checks=(refuse,)))
    with pytest.raises(DatasetLayoutError, match='was converted for another model'):
        check_dataset_cfg(dict(type='ToySliceDataset', data_root=str(tmp_path)))
    with pytest.raises(
        DatasetLayoutError, match="data root '.*nowhere' not found: convert the toy"
    ):
        check_dataset_cfg(dict(type='ToySliceDataset', data_root=str(tmp_path / 'nowhere')))


def test_a_second_entry_for_one_dataset_type_is_refused(own_registry):
    register_layout(_toy_entry())
    register_layout(_toy_entry())  # the same entry again is harmless (a module re-imported)
    with pytest.raises(ValueError, match='ToySliceDataset is already registered'):
        register_layout(_toy_entry(name='Other'))


def test_the_suffix_comes_from_the_config_only_where_the_entry_says_so():
    assert SYNAPSE.for_config(dict(img_suffix='.tiff')).image_files == 'caseXXXX_sliceYYY.tiff'
    assert SYNAPSE.for_config({}).image_files == 'caseXXXX_sliceYYY.jpg'
    assert CITYSCAPES.for_config(dict(img_suffix='.jpg')) is CITYSCAPES
