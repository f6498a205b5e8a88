"""The one-line error names the first bad file and counts the others."""

import pytest

from attn_unet.datasets import check_data
from attn_unet.errors import DataIntegrityError

from .conftest import id_40_val, mini_cfg, resized_label, truncated_image


def test_counts_the_other_bad_files(data, tmp_path):
    truncated_image(data)
    resized_label(data)
    id_40_val(data)
    with pytest.raises(DataIntegrityError, match=r'\(2 more bad files: .*check_dataset.py'):
        check_data(mini_cfg(data, tmp_path), 'train')
    reports = check_data(mini_cfg(data, tmp_path), 'train', raise_on_error=False)
    assert [len(r.problems) for r in reports] == [2, 1]
