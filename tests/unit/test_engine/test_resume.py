"""A resume with nothing left to train is refused in one line."""

import pytest

from attn_unet.engine.resume import check_something_left_to_train
from attn_unet.errors import ToolError


@pytest.mark.parametrize(
    'train_cfg, meta, refused',
    [
        (dict(max_iters=4), dict(iter=2), False),
        (dict(max_iters=2), dict(iter=2), True),
        (dict(max_iters=1), dict(iter=2), True),
        (dict(max_epochs=3), dict(epoch=3, iter=90), True),
        (dict(max_epochs=3), dict(epoch=2, iter=60), False),
        (dict(max_iters=4), dict(), False),  # nothing to judge by
    ],
)
def test_check_something_left_to_train(train_cfg, meta, refused):
    checkpoint = dict(meta=meta)
    if not refused:
        check_something_left_to_train(train_cfg, 'w/iter_2.pth', checkpoint)
        return
    with pytest.raises(ToolError) as info:
        check_something_left_to_train(train_cfg, 'w/iter_2.pth', checkpoint)
    message = str(info.value)
    limit_key = next(iter(train_cfg))
    for word in ('w/iter_2.pth', f'train_cfg.{limit_key} is {train_cfg[limit_key]}', 'nothing'):
        assert word in message
