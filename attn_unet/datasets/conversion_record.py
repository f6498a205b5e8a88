"""The record a converter leaves in the folder it wrote: ``conversion.json``.

The Synapse and DRIVE converters write it last, into the folder they convert
into (:mod:`.staged_output`), so a folder holding it is one complete run of that
converter. It names the converter, what it read, the files it wrote and, for
Synapse, how the CT slices were cut (``ct_slices``: the
:class:`~attn_unet.slicing.ct_slices.SliceSpec` fields plus ``image_suffix`` and the volumes'
``orientation``), and for the Decathlon / nnU-Net converter the slice plan and every
case's grid (``volume_slices``, :mod:`attn_unet.slicing.slice_plan`). The dataset classes copy
``ct_slices`` / ``volume_slices`` into their metainfo, so every checkpoint carries
them; the layout check compares them with the config. A converted Synapse folder
without a record predates it and holds mmseg's 2D JPEG slices.
"""

import json
import os.path as osp

from attn_unet.errors import DatasetLayoutError
from attn_unet.fileio import write_text_atomically

__all__ = ['RECORD_NAME', 'read_ct_slices', 'read_record', 'read_volume_slices', 'write_record']

RECORD_NAME = 'conversion.json'


def read_record(root) -> dict | None:
    """The record in folder ``root``, or None when it has none (or ``root`` is no folder).

    Raises:
        DatasetLayoutError: The record exists but is not a JSON object.
    """
    if not root:
        return None
    path = osp.join(str(root), RECORD_NAME)
    if not osp.isfile(path):
        return None
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except (OSError, ValueError) as exc:
        raise DatasetLayoutError(
            f'cannot read {path} ({exc}): convert the set again into a new folder'
        ) from exc
    if not isinstance(record, dict) or not isinstance(record.get('converter'), str):
        raise DatasetLayoutError(
            f'{path} is not the record of a converter (no "converter" name): convert the set '
            'again into a new folder'
        )
    return record


def read_ct_slices(root) -> dict | None:
    """``ct_slices`` of a Synapse conversion record in ``root`` (None without a record)."""
    record = read_record(root)
    if record is None or record['converter'] != 'synapse':
        return None
    ct_slices = record.get('ct_slices')
    if not isinstance(ct_slices, dict) or not isinstance(ct_slices.get('context'), int):
        raise DatasetLayoutError(
            f'{osp.join(str(root), RECORD_NAME)} has no ct_slices.context: convert the set '
            'again with tools/dataset_converters/synapse.py into a new folder'
        )
    return ct_slices


def read_volume_slices(root) -> dict | None:
    """``volume_slices`` of a Decathlon-converter record in ``root`` (None without one).

    Raises:
        DatasetLayoutError: the record is the Decathlon converter's but has no slice plan.
    """
    record = read_record(root)
    if record is None or record['converter'] != 'decathlon':
        return None
    plan = record.get('volume_slices')
    if not isinstance(plan, dict) or not isinstance(plan.get('cases'), dict):
        raise DatasetLayoutError(
            f'{osp.join(str(root), RECORD_NAME)} has no volume_slices: convert the set again '
            'with tools/dataset_converters/decathlon.py into a new folder'
        )
    return plan


def write_record(root, record: dict) -> str:
    """Write ``record`` as ``root/conversion.json`` (a temporary name, then renamed).

    Returns:
        The record's path.
    """
    path = osp.join(str(root), RECORD_NAME)
    write_text_atomically(path, json.dumps(record, indent=1) + '\n')
    return path
