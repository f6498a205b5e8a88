"""Which slice axes a mirror may flip: all of them, but the left-right one when classes have sides.

nnU-Net mirrors every axis of a 2D patch, in training and at test time. A mirror across the
patient's left-right axis turns a left kidney into one on the right; where the classes
tell the sides apart ("kidney_left", "Right-Lung", "L lobe"), that teaches the network the
wrong class, so the axis is left out. A class name names a side when one of its words is
left, right, L, R, Lt or Rt (words split at anything but letters and digits, and at
lower-to-upper case changes: "LeftKidney"); "L1" (a vertebra) is no side.

Slices (H, W) of a view are the canonical volume's axes (1, 0)
(:data:`attn_unet.slicing.slice_plan.VIEWS`): an axial or coronal slice's columns run
across the patient's left-right axis, a sagittal slice has no left-right axis in-plane.
"""

import re
from typing import Sequence, Tuple

from attn_unet.slicing.slice_plan import VIEWS

__all__ = ['SIDE_WORDS', 'mirror_axes', 'names_a_side']

SIDE_WORDS = frozenset({'left', 'right', 'l', 'r', 'lt', 'rt'})
_AXIS_NAMES = {
    **dict.fromkeys('LR', 'left-right'),
    **dict.fromkeys('AP', 'anterior-posterior'),
    **dict.fromkeys('SI', 'superior-inferior'),
}
_SLICE_AXES = ('rows', 'columns')


def names_a_side(name: str) -> bool:
    """Whether a class name holds a side word (:data:`SIDE_WORDS`), any case."""
    spaced = re.sub(r'([a-z])([A-Z])', r'\1 \2', name)
    return any(word.lower() in SIDE_WORDS for word in re.split(r'[^A-Za-z0-9]+', spaced))


def mirror_axes(view: str, classes: Sequence[str]) -> Tuple[Tuple[int, ...], str]:
    """``(axes, reason)``: the slice axes (0 rows, 1 columns) that may be mirrored.

    Args:
        view: The plan's view (``'axial'``, ``'coronal'``, ``'sagittal'``).
        classes: The class names, background first.
    """
    codes = VIEWS[view]
    # slice axis 0 (rows) runs along canonical axis 1, slice axis 1 (columns) along axis 0
    along = {0: _AXIS_NAMES[codes[1]], 1: _AXIS_NAMES[codes[0]]}
    sided = [c for c in classes if names_a_side(c)]
    left_right = [axis for axis, name in along.items() if name == 'left-right']
    if sided and left_right:
        axes = tuple(a for a in (0, 1) if a not in left_right)
        kept = ', '.join(f'{_SLICE_AXES[a]} ({along[a]})' for a in axes) or 'none'
        shown = ', '.join(repr(c) for c in sided[:4]) + (', ...' if len(sided) > 4 else '')
        return axes, (
            f'mirror {kept}: not the {_SLICE_AXES[left_right[0]]} ({view} slices run '
            f'left-right along them), since the classes {shown} name a side'
        )
    why = 'no class names a side' if left_right else f'{view} slices have no left-right axis'
    return (0, 1), (
        f'mirror rows ({along[0]}) and columns ({along[1]}), as nnU-Net does in 2D: {why}'
    )
