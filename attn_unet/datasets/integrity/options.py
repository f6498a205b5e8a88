"""The ``data_check`` config key: its defaults and the check of a user's value.

All keys are optional::

    data_check = dict(enabled=True, num_workers=None, cache_dir=None)

``num_workers=None`` reads with one thread per core, at most ``MAX_WORKERS`` (see
:mod:`.facts_cache`).
"""

from attn_unet.errors import DataIntegrityError

__all__ = ['DATA_CHECK_DEFAULTS', 'data_check_options']

DATA_CHECK_DEFAULTS = dict(enabled=True, num_workers=None, cache_dir=None)


def data_check_options(data_check) -> dict:
    """``data_check`` merged over the defaults; unknown keys and wrong types refused.

    Args:
        data_check: the config's ``data_check`` dict, or None for the defaults.

    Returns:
        ``enabled``, ``num_workers`` and ``cache_dir``, defaults filled in.

    Raises:
        DataIntegrityError: ``data_check`` is not a dict, has an unknown key, or
            ``enabled`` is not a bool or ``num_workers`` not a positive int or None.
    """
    if data_check is None:
        data_check = {}
    if not isinstance(data_check, dict):
        raise DataIntegrityError(
            f'data_check must be a dict like {DATA_CHECK_DEFAULTS}, got {data_check!r}'
        )
    unknown = sorted(set(data_check) - set(DATA_CHECK_DEFAULTS))
    if unknown:
        raise DataIntegrityError(
            f'unknown data_check key {unknown[0]!r}: the keys are {", ".join(DATA_CHECK_DEFAULTS)}'
        )
    options = {**DATA_CHECK_DEFAULTS, **data_check}
    workers = options['num_workers']
    workers_ok = workers is None or (type(workers) is int and workers > 0)
    if not isinstance(options['enabled'], bool) or not workers_ok:
        raise DataIntegrityError(
            f'data_check.enabled must be True or False and data_check.num_workers a positive '
            f'integer or None, got {options["enabled"]!r} and {workers!r}'
        )
    return options
