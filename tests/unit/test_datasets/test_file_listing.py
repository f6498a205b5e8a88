"""A dataset folder is walked once per check, however many checks read it."""

from collections import Counter

import pytest

from attn_unet.datasets import file_listing
from attn_unet.datasets.file_listing import list_folder, shared_listings
from attn_unet.engine.preflight import check_datasets
from attn_unet.errors import DataIntegrityError
from tests.unit.test_datasets.test_integrity.conftest import mini_cfg


@pytest.fixture
def walks(monkeypatch):
    """How often each folder was walked."""
    counts = Counter()
    real = file_listing._walk

    def counting_walk(folder, what):
        counts[str(folder)] += 1
        return real(folder, what)

    monkeypatch.setattr(file_listing, '_walk', counting_walk)
    return counts


def test_a_shared_listing_walks_each_folder_once(tmp_path, walks):
    (tmp_path / 'a').mkdir()
    (tmp_path / 'a' / 'x.png').write_bytes(b'')
    (tmp_path / 'a' / '.hidden').write_bytes(b'')
    with shared_listings():
        assert list_folder(str(tmp_path / 'a'), 'data') == ['x.png']
        assert list_folder(str(tmp_path / 'a'), 'data') == ['x.png']
    assert walks[str(tmp_path / 'a')] == 1
    list_folder(str(tmp_path / 'a'), 'data')  # outside the block: walked afresh
    assert walks[str(tmp_path / 'a')] == 2


def test_the_preflight_walks_every_folder_once(converted_root, tmp_path, walks):
    check_datasets(mini_cfg(converted_root, tmp_path), 'train')
    assert walks, 'the layout and file checks list folders through list_folder'
    assert set(walks.values()) == {1}, walks


def test_a_path_that_is_not_a_folder_is_one_line(tmp_path):
    (tmp_path / 'f').write_text('')
    with pytest.raises(DataIntegrityError, match='is a file, not a folder'):
        list_folder(str(tmp_path / 'f'), 'train data')
