import pytest

from attn_unet.analysis.input_sizes import check_model_input_sizes
from attn_unet.apis import load_config
from attn_unet.errors import InputSizeError
from tests.helpers.tiny_setup import ATTN_CONFIG


@pytest.mark.parametrize('size, ok', [((32, 64), True), ((30, 64), False), ((64, 72), False)])
def test_sizes_follow_the_engine_rule(size, ok):
    model = load_config(ATTN_CONFIG).model
    if ok:
        check_model_input_sizes(model, [size])
    else:
        with pytest.raises(InputSizeError, match=f'{size[0]}x{size[1]} is not divisible .* 16'):
            check_model_input_sizes(model, [size])
