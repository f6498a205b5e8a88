"""``--cfg-options KEY=VALUE ...`` read as written: a value with spaces is kept, never squeezed.

mmengine 0.10.7's ``DictAction`` removes every space of a value, so
``test_dataloader.dataset.data_root="/data/my set/"`` becomes ``/data/myset/``, which is
then scored if such a folder exists; and an item without ``=`` (a value the shell split
at its space) ends in a ``ValueError`` traceback. :class:`DictAction` parses the same
syntax (numbers, ``True``/``False``/``None``, ``a,b`` and ``[a,b]`` lists, ``(a,b)``
tuples, nested brackets, one pair of surrounding quotes) with these differences:

- a value keeps its spaces: ``data_root=/data/my set/`` is ``'/data/my set/'``;
- spaces next to brackets and commas separate, as before: ``size=(96, 96)`` is ``(96, 96)``;
- a list element with a space inside is refused unless quoted
  (``"['my set', b]"``): nothing tells whether the space belongs to it;
- an item without ``=``, an empty key and unbalanced brackets are refused in one line.
"""

import argparse
from typing import Any, Dict, List, Sequence

from mmengine.config import DictAction as MMEngineDictAction

from attn_unet.errors import ConfigValueError

__all__ = ['DictAction', 'parse_cfg_options']

_QUOTES = ('"', "'")
_CLOSING = {'(': ')', '[': ']'}


def _unquote(text: str) -> str | None:
    """The inside of one pair of matching surrounding quotes, else None."""
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]:
        return text[1:-1]
    return None


def _split_top_level(text: str, item: str) -> List[str]:
    """``text`` split at commas outside brackets and quotes.

    A quote opens quoting only at the start of an element (``it's`` is no quote).
    """
    parts, depth, quote, start = [], [], None, 0
    for i, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in _QUOTES and not text[start:i].strip(' (['):
            quote = char
        elif char in _CLOSING:
            depth.append(_CLOSING[char])
        elif char in (')', ']'):
            if not depth or depth.pop() != char:
                raise _unbalanced(item)
        elif char == ',' and not depth:
            parts.append(text[start:i])
            start = i + 1
    if depth or quote:
        raise _unbalanced(item)
    parts.append(text[start:])
    return parts


def _unbalanced(item: str) -> ConfigValueError:
    return ConfigValueError(
        f'--cfg-options {item}: unbalanced brackets or quotes; close each ( [ and quote'
    )


def _parse(text: str, item: str, top: bool) -> Any:
    """One value: ``top`` for the whole text after ``=``, else a list/tuple element."""
    body = text.strip()
    inside = _unquote(body)
    quoted = inside is not None
    if quoted:
        body = inside
    if body[:1] in _CLOSING:
        if body[-1:] != _CLOSING[body[0]]:
            raise _unbalanced(item)
        elements = _split_top_level(body[1:-1], item)
        if not elements[-1].strip():  # '()', '[]' and a trailing comma: '(1,)'
            elements.pop()
        values = [_parse(element, item, top=False) for element in elements]
        return tuple(values) if body[0] == '(' else values
    parts = _split_top_level(body, item)
    if len(parts) > 1:
        return [_parse(part, item, top=False) for part in parts]
    scalar = MMEngineDictAction._parse_int_float_bool(body.strip())
    if not isinstance(scalar, str):
        return scalar
    if quoted:
        return body
    if top:
        return text  # verbatim, spaces included
    if any(char.isspace() for char in body.strip()):
        raise ConfigValueError(
            f'--cfg-options {item}: the list element {body.strip()!r} holds a space; quote it '
            f'(e.g. "[\'{body.strip()}\']") to keep the space, or remove it'
        )
    return body.strip()


def parse_cfg_options(items: Sequence[str]) -> Dict[str, Any]:
    """``{key: value}`` of ``KEY=VALUE`` items, values parsed as :class:`DictAction` does.

    Raises:
        ConfigValueError: an item without ``=``, an empty key, unbalanced brackets or
            quotes, or an unquoted list element with a space.
    """
    options: Dict[str, Any] = {}
    previous = None
    for item in items:
        key, equals, value = item.partition('=')
        if not equals:
            after = (
                f' (after {previous!r}: a value the shell split at a space?)' if previous else ''
            )
            raise ConfigValueError(
                f'--cfg-options {item!r} is not KEY=VALUE{after}: write KEY=VALUE, and quote an '
                "item whose value holds spaces, e.g. 'test_dataloader.dataset.data_root=/my set/'"
            )
        if not key.strip():
            raise ConfigValueError(f"--cfg-options {item!r} has no key before '=': write KEY=VALUE")
        options[key.strip()] = _parse(value, item, top=True)
        previous = item
    return options


class DictAction(argparse.Action):
    """argparse action for ``--cfg-options``: :func:`parse_cfg_options`, merged over repeats."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        options = dict(getattr(namespace, self.dest, None) or {})
        options.update(parse_cfg_options(values if isinstance(values, list) else [values]))
        setattr(namespace, self.dest, options)
