"""Folds: a seeded k-fold of the training cases, or nnU-Net's splits_final.json."""

import json

import pytest

from attn_unet.datasets.decathlon import DecathlonConvertError
from attn_unet.datasets.decathlon.splits import k_fold, read_split_file

CASES = [f'case_{i:02d}' for i in range(11)]


def test_k_fold_validates_on_every_case_once_and_trains_on_the_rest():
    folds = k_fold(CASES, 5, seed=1)
    assert len(folds) == 5
    assert sorted(c for f in folds for c in f['val']) == CASES
    assert sorted(len(f['val']) for f in folds) == [2, 2, 2, 2, 3]
    for fold in folds:
        assert sorted(fold['train'] + fold['val']) == CASES
    assert k_fold(list(reversed(CASES)), 5, seed=1) == folds  # the listing order does not matter
    assert k_fold(CASES, 5, seed=2) != folds


def test_too_few_cases_for_the_folds_are_refused():
    with pytest.raises(DecathlonConvertError, match='5-fold split of 3 training case'):
        k_fold(CASES[:3], 5)


def _write(tmp_path, folds):
    path = tmp_path / 'splits_final.json'
    path.write_text(folds if isinstance(folds, str) else json.dumps(folds))
    return str(path)


def test_an_nnunet_split_file_gives_its_folds(tmp_path):
    folds = [{'train': CASES[2:], 'val': CASES[:2]}, {'train': CASES[:9], 'val': CASES[9:]}]
    assert read_split_file(_write(tmp_path, folds), CASES) == folds


@pytest.mark.parametrize(
    'folds, match',
    [
        ('[{"train": ', 'cannot read split file'),
        ({'train': CASES}, 'is not a list of'),
        ([{'train': CASES[1:], 'val': ['case_99']}], 'names case case_99'),
        ([{'train': CASES, 'val': CASES[:1]}], 'case case_00 is in both train and val of fold 0'),
        ([{'train': CASES, 'val': []}], 'empty train or val'),
    ],
)
def test_a_bad_split_file_is_refused_in_one_line(tmp_path, folds, match):
    with pytest.raises(DecathlonConvertError, match=match) as info:
        read_split_file(_write(tmp_path, folds), CASES)
    assert '\n' not in str(info.value)
    with pytest.raises(DecathlonConvertError, match='not found'):
        read_split_file(str(tmp_path / 'nowhere.json'), CASES)
