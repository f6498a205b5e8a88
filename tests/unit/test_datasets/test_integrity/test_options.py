"""``data_check``: it can be turned off, and a misspelt key or a wrong type is refused."""

import pytest

from attn_unet.datasets import check_data
from attn_unet.errors import DataIntegrityError

from .conftest import mini_cfg, truncated_image


def test_disabled(data, tmp_path):
    truncated_image(data)
    assert check_data(mini_cfg(data, tmp_path, enabled=False), 'train') == []


@pytest.mark.parametrize(
    'data_check, words',
    [
        (dict(enabeld=False), "unknown data_check key 'enabeld'"),
        (dict(enabled='no'), 'data_check.enabled must be True or False'),
        (dict(num_workers=0), 'num_workers a positive integer'),
    ],
)
def test_bad_data_check_options(data, tmp_path, data_check, words):
    cfg = mini_cfg(data, tmp_path)
    cfg.data_check = data_check
    with pytest.raises(DataIntegrityError, match=words):
        check_data(cfg, 'train')
