"""Methods of mmengine that this project copies in part fail here when mmengine changes them.

Everything else overrides a public hook event or method and calls mmengine for the rest.
Where a copy could not be avoided, the copied original's source is pinned: when the
installed mmengine's differs, the copy must be compared with it and the pin renewed.
"""

import hashlib
import inspect

import pytest
from mmengine.runner import Runner

from attn_unet.engine import AttnUNetRunner

# (the copied original, the copy, sha256 of the original's source when copied: mmengine 0.10.7)
COPIES = [
    (
        Runner.load_checkpoint,
        AttnUNetRunner.load_checkpoint,
        'bebf88cd7097d2f19f293e48cfb820f79265087402d4ab1d8f61c980157aa9c7',
    ),
]


@pytest.mark.parametrize(
    'original, copy, pinned', COPIES, ids=lambda x: getattr(x, '__qualname__', '')
)
def test_the_copied_original_is_unchanged(original, copy, pinned):
    source = inspect.getsource(original)
    assert hashlib.sha256(source.encode()).hexdigest() == pinned, (
        f"mmengine's {original.__qualname__} changed since {copy.__qualname__} copied it: "
        'bring the copy in line, then renew the pin'
    )
    assert 'mmengine 0.10.7' in inspect.getdoc(copy)
