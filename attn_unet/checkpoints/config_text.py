"""The config a checkpoint was trained with, read from its meta without running any of it.

mmengine's runner writes the run's whole config into every checkpoint it saves
(``meta['cfg']``, the config's ``pretty_text``: Python source of ``name = value`` lines whose
values are ``dict(...)`` calls, lists, tuples and constants). That is the training as it ran,
``--cfg-options`` included, whatever config file a user passes later. Executing that text
would run code from a checkpoint, which the safe loader exists to avoid, so the values are
rebuilt from its syntax tree instead: only literals, ``dict(...)`` calls and a leading minus
are understood, and an assignment holding anything else is left out.
"""

import ast

__all__ = ['checkpoint_config']


class _NotLiteral(Exception):
    pass


def checkpoint_config(meta: dict | None) -> dict | None:
    """``{name: value}`` of the literal assignments in ``meta['cfg']``; None without one.

    Args:
        meta: A checkpoint's ``meta`` (``{}`` or None for a bare state dict).
    """
    text = (meta or {}).get('cfg')
    if not isinstance(text, str):
        return None
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    values = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = _value(node.value)
                except _NotLiteral:
                    continue
    return values


def _value(node: ast.AST):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_value(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise _NotLiteral
        return {_value(k): _value(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'dict':
        if node.args or any(k.arg is None for k in node.keywords):
            raise _NotLiteral
        return {k.arg: _value(k.value) for k in node.keywords}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _value(node.operand)
        if not isinstance(value, (int, float)):
            raise _NotLiteral
        return -value if isinstance(node.op, ast.USub) else value
    raise _NotLiteral
