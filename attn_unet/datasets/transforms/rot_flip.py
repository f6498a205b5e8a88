"""Random rotation / rot90-and-flip of the Synapse pipeline, label maps rotated nearest.

mmseg 1.2.2's ``RandomRotFlip`` rotates every ``seg_fields`` map with
``mmcv.imrotate``'s default bilinear interpolation, which blends the ids of
neighbouring organs into ids of other classes at their edges (between the
stomach, 8, and background, 0, appear 1 to 7, the pancreas among them).
"""

import mmcv
import numpy as np
from mmseg.datasets.transforms import RandomRotFlip

from attn_unet.registry import TRANSFORMS

__all__ = ['RandomRotFlipNearest']


@TRANSFORMS.register_module()
class RandomRotFlipNearest(RandomRotFlip):
    """mmseg's ``RandomRotFlip`` with label maps rotated nearest-neighbour.

    Everything else is mmseg's: with probability ``rotate_prob`` the image and
    every map in ``seg_fields`` (e.g. ``gt_seg_map`` (H, W)) are rotated by an
    angle drawn uniformly from ``degree`` about the centre, keeping their size;
    otherwise, with probability ``flip_prob``, they are rotated by a random
    multiple of 90 degrees and flipped along a random axis. The image is
    interpolated bilinearly; the corners uncovered by a rotation are 0 in the
    image and 0 (background, not ``ignore_index``) in the label maps, as in mmseg.

    Args:
        rotate_prob: Probability of a small-angle rotation. Defaults to 0.5.
        flip_prob: Probability of a rot90 + flip when no rotation happened.
            Defaults to 0.5.
        degree: Angle range in degrees, ``(min, max)``, or ``d`` for ``(-d, d)``.
            Defaults to (-20, 20).
    """

    def random_rotate(self, results: dict) -> dict:
        """Rotate the image bilinearly and every ``seg_fields`` map nearest-neighbour."""
        angle = np.random.uniform(min(*self.degree), max(*self.degree))
        results['img'] = mmcv.imrotate(results['img'], angle=angle, interpolation='bilinear')
        for key in results.get('seg_fields', []):
            results[key] = mmcv.imrotate(results[key], angle=angle, interpolation='nearest')
        return results
