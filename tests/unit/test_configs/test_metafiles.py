"""The model zoo's index matches the configs: one metafile entry per config, and no stale ones.

Format as mmseg's: ``model-index.yml`` imports ``configs/<model>/metafile.yaml``; each metafile
has one ``Collections:`` entry and one ``Models:`` entry per config file in its folder.
"""

import re
from pathlib import Path

import pytest
import yaml

from tests.helpers.tools import REPO

CONFIGS = sorted(
    p.relative_to(REPO).as_posix()
    for p in (REPO / 'configs').rglob('*.py')
    if '_base_' not in p.relative_to(REPO).parts
)
METAFILES = sorted(
    p.relative_to(REPO).as_posix() for p in (REPO / 'configs').glob('*/metafile.yaml')
)
# 4xb4 -> 4 cards x 4 images
CARDS_X_IMAGES = re.compile(r'_(\d+)xb(\d+)-')
MODEL_KEYS = {'Name', 'In Collection', 'Config', 'Metadata'}
METADATA_KEYS = {'Training Data', 'Batch Size', 'Architecture', 'Training Resources'}
COLLECTION_KEYS = {'Name', 'License', 'Metadata', 'Paper', 'README', 'Frameworks'}


def _load(path: str) -> dict:
    return yaml.safe_load((REPO / path).read_text())


def _models() -> list[tuple[str, dict]]:
    """(metafile, model entry) for every model of every metafile."""
    return [(path, model) for path in METAFILES for model in _load(path).get('Models') or []]


MODELS = _models()


def _model_id(case) -> str:
    path, model = case
    return model.get('Name', path) if isinstance(model, dict) else path


def test_there_are_configs_and_metafiles():
    assert CONFIGS, 'no configs found under configs/'
    assert METAFILES, 'no configs/*/metafile.yaml found'


@pytest.mark.parametrize('config', CONFIGS)
def test_every_config_is_in_exactly_one_metafile(config):
    owners = [path for path, model in MODELS if model.get('Config') == config]
    assert len(owners) == 1, (
        f'{config} is listed in {len(owners)} metafiles ({owners}); '
        'add one Models: entry for it to the metafile.yaml of its folder'
    )


@pytest.mark.parametrize('case', MODELS, ids=_model_id)
def test_model_entry_names_an_existing_config_of_its_own_stem(case):
    path, model = case
    assert MODEL_KEYS <= set(model), f'{path}: {model.get("Name")} lacks {MODEL_KEYS - set(model)}'
    config = model['Config']
    assert (REPO / config).is_file(), f'{path}: Config {config} does not exist'
    assert model['Name'] == Path(config).stem, f'{path}: Name {model["Name"]} is not {config}'
    assert Path(config).parent == Path(path).parent, f'{path}: {config} is in another folder'


@pytest.mark.parametrize('case', MODELS, ids=_model_id)
def test_model_metadata_matches_the_config_name(case):
    path, model = case
    metadata = model['Metadata']
    assert METADATA_KEYS <= set(metadata), (
        f'{path}: {model["Name"]} lacks {METADATA_KEYS - set(metadata)}'
    )
    match = CARDS_X_IMAGES.search(model['Name'])
    assert match, f'{model["Name"]} has no NxbB in its name'
    cards, images = map(int, match.groups())
    assert metadata['Batch Size'] == cards * images, (
        f'{path}: {model["Name"]} has Batch Size {metadata["Batch Size"]}, '
        f'its name says {cards} x {images} = {cards * images}'
    )


@pytest.mark.parametrize('path', METAFILES)
def test_metafile_has_one_collection_that_its_models_name(path):
    meta = _load(path)
    collections = meta.get('Collections') or []
    assert len(collections) == 1, f'{path} has {len(collections)} Collections entries'
    collection = collections[0]
    assert COLLECTION_KEYS <= set(collection), f'{path} lacks {COLLECTION_KEYS - set(collection)}'
    assert {'Title', 'URL'} <= set(collection['Paper']), f'{path}: Paper needs Title and URL'
    for model in meta.get('Models') or []:
        assert model['In Collection'] == collection['Name'], (
            f'{path}: {model["Name"]} is in {model["In Collection"]!r}, '
            f'the collection is {collection["Name"]!r}'
        )


@pytest.mark.parametrize('path', METAFILES)
def test_every_readme_a_metafile_names_exists(path):
    meta = _load(path)
    entries = (meta.get('Collections') or []) + (meta.get('Models') or [])
    readmes = [entry['README'] for entry in entries if 'README' in entry]
    assert readmes, f'{path} names no README'
    for readme in readmes:
        assert (REPO / readme).is_file(), f'{path}: README {readme} does not exist'


def test_model_index_imports_every_metafile_and_nothing_else():
    imports = _load('model-index.yml')['Import']
    assert sorted(imports) == METAFILES, (
        f'model-index.yml imports {sorted(imports)}; the metafiles are {METAFILES}'
    )
    assert len(imports) == len(set(imports)), 'model-index.yml imports a metafile twice'
