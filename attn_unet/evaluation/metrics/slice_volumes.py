"""2D slice predictions kept small across ranks and stacked back into their volumes.

A converter names each slice ``<case>_slice<index>`` (Synapse: ``case0001_slice000``);
the per-volume metrics keep, per slice, its case, index, shape and the prediction and
reference as compressed uint8 maps (small and picklable, so they travel through mmengine's
cross-rank collection), then stack every case's slices in index order.
"""

import os.path as osp
import re
import zlib
from collections import defaultdict

import numpy as np

from attn_unet.errors import ToolError

__all__ = ['SLICE_NAME', 'pack', 'parse_case_slice', 'stack_cases', 'unpack']

SLICE_NAME = re.compile(r'(.+)_slice(\d+)')


def parse_case_slice(path: str, pattern: re.Pattern = SLICE_NAME, metric: str = 'VolumeMetric'):
    """``(case id, slice index)`` from a slice file name, by ``pattern``'s two groups.

    Raises:
        ToolError: the file's stem does not match ``pattern``.
    """
    stem = osp.splitext(osp.basename(path))[0]
    match = pattern.fullmatch(stem)
    if match is None:
        raise ToolError(
            f'{path}: {metric} needs slice files named {_pattern_text(pattern)} (as the '
            'converter writes them) to regroup them into volumes'
        )
    return match.group(1), int(match.group(2))


def _pattern_text(pattern: re.Pattern) -> str:
    return 'case<id>_slice<index>' if pattern.pattern.startswith('case') else '<case>_slice<index>'


def pack(label_map: np.ndarray) -> bytes:
    """A uint8 ``(H, W)`` map, compressed."""
    return zlib.compress(np.ascontiguousarray(label_map).tobytes(), 1)


def unpack(packed: bytes, shape: tuple) -> np.ndarray:
    return np.frombuffer(zlib.decompress(packed), dtype=np.uint8).reshape(shape)


def stack_cases(results: list, metric: str = 'VolumeMetric', case_name=str) -> dict:
    """``{case: (pred (Z, H, W), gt (Z, H, W))}`` from ``(case, index, shape, pred, gt)`` rows.

    A slice seen twice (a distributed sampler pads the last batch) counts once;
    ``case_name(case)`` names a case in messages.

    Raises:
        ToolError: no slices, a case with a gap in its slice indices, or slices of
            different sizes in one case.
    """
    if not results:
        raise ToolError(f'{metric} got no slices: the test set is empty')
    slices = defaultdict(dict)
    for case, index, shape, pred, gt in results:
        slices[case][index] = (shape, pred, gt)
    volumes = {}
    for case, by_index in slices.items():
        indices = sorted(by_index)
        missing = sorted(set(range(indices[0], indices[-1] + 1)) - set(indices))
        if missing:
            raise ToolError(
                f'{case_name(case)} lacks slice {missing[0]} ({len(missing)} missing between '
                f'{indices[0]} and {indices[-1]}): the volume metric needs every slice of a case'
            )
        shapes = {by_index[i][0] for i in indices}
        if len(shapes) > 1:
            raise ToolError(f'{case_name(case)} has slices of different sizes {sorted(shapes)}')
        preds = [unpack(by_index[i][1], by_index[i][0]) for i in indices]
        gts = [unpack(by_index[i][2], by_index[i][0]) for i in indices]
        volumes[case] = (np.stack(preds), np.stack(gts))
    return volumes
