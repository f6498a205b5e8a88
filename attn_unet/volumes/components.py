"""The largest 3D connected component of a mask, and of each class of a label volume.

What nnU-Net's postprocessing keeps (``remove_all_but_largest_component``): of a class's
voxels only the largest connected piece, the others set to background. Components are
26-connected (voxels touching by a face, an edge or a corner are one piece), as nnU-Net v2
labels them; sizes are voxel counts on the volume's own grid. Pure numpy and scipy: the
predictor applies it and the cross-validation chooses it
(:mod:`attn_unet.evaluation.postprocessing`).
"""

from typing import Iterable

import numpy as np

__all__ = ['CONNECTIVITY', 'keep_largest_components', 'largest_component']

CONNECTIVITY = 26  # in 3D: face, edge and corner neighbours


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest connected component of ``mask``.

    Args:
        mask (X, Y, Z): anything non-zero is in the mask (any number of dimensions).

    Returns:
        A bool array of ``mask``'s shape: the component with the most voxels (the first
        found of equal ones), all False for an empty mask.
    """
    from scipy import ndimage

    mask = np.asarray(mask, dtype=bool)
    structure = np.ones((3,) * mask.ndim, dtype=bool)
    labelled, count = ndimage.label(mask, structure=structure)
    if count <= 1:
        return mask.copy()
    sizes = np.bincount(labelled.ravel())
    sizes[0] = 0
    return labelled == int(sizes.argmax())


def keep_largest_components(
    ids: np.ndarray, class_ids: Iterable[int] = (), foreground: bool = False
) -> np.ndarray:
    """``ids`` with every piece but the largest removed (set to 0), as nnU-Net postprocesses.

    Args:
        ids (X, Y, Z): class ids, 0 the background.
        class_ids: the classes to keep one piece of each (each class on its own).
        foreground: first keep only the largest piece of the foreground (all classes > 0
            as one mask), then the classes.

    Returns:
        A new array like ``ids``.
    """
    out = np.array(ids, copy=True)
    if foreground:
        out[(out > 0) & ~largest_component(out > 0)] = 0
    for class_id in class_ids:
        mask = out == class_id
        out[mask & ~largest_component(mask)] = 0
    return out
