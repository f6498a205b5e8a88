"""``--cfg-options`` parsing: mmengine's syntax, values kept as written, refusals in one line."""

import argparse

import pytest

from attn_unet.apis import DictAction, parse_cfg_options
from attn_unet.errors import ConfigValueError


@pytest.mark.parametrize(
    'item, expected',
    [
        # spaces inside a value are kept (mmengine 0.10.7 gives '/data/myset/')
        ('root=/data/my set/', '/data/my set/'),
        ('root="/data/my set/"', '/data/my set/'),
        ("root='/data/my set/'", '/data/my set/'),
        ("root=/data/it's/", "/data/it's/"),
        # mmengine's syntax, unchanged
        ('n=2', 2),
        ('x=1.5', 1.5),
        ('flag=True', True),
        ('flag=false', False),
        ('v=None', None),
        ('name=BN', 'BN'),
        ('size=(96, 96)', (96, 96)),
        ('size=(96,96)', (96, 96)),
        ('ids=[1, 2, 3]', [1, 2, 3]),
        ('ids=1,2,3', [1, 2, 3]),
        ('ids="[a,b]"', ['a', 'b']),
        ('nested=[(1, 2), [a, b], c]', [(1, 2), ['a', 'b'], 'c']),
        ('one=(1,)', (1,)),
        ('empty=[]', []),
        ('empty=()', ()),
        ('blank=', ''),
        # a quoted list element keeps its space
        ("dirs=['my set', b]", ['my set', 'b']),
    ],
)
def test_values_are_parsed_as_written(item, expected):
    key = item.split('=', 1)[0]
    assert parse_cfg_options([item]) == {key: expected}


@pytest.mark.parametrize(
    'items, words',
    [
        (['root=/data/my', 'set/'], ["'set/' is not KEY=VALUE", "after 'root=/data/my'"]),
        (['novalue'], ["'novalue' is not KEY=VALUE"]),
        (['=3'], ['no key']),
        (['dirs=[my set, b]'], ["'my set' holds a space", 'quote it']),
        (['size=(96, 96'], ['unbalanced']),
        (['size=[96, 96)'], ['unbalanced']),
        (["dirs=['a, b]"], ['unbalanced']),
    ],
)
def test_what_cannot_be_read_as_written_is_refused(items, words):
    with pytest.raises(ConfigValueError) as info:
        parse_cfg_options(items)
    message = str(info.value)
    assert '\n' not in message
    for word in words:
        assert word in message, message


def test_action_merges_repeated_flags_later_wins():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(
        ['--cfg-options', 'a=1', 'root=/my set', '--cfg-options', 'a=2', 'b=(1, 2)']
    )
    assert args.cfg_options == {'a': 2, 'root': '/my set', 'b': (1, 2)}
