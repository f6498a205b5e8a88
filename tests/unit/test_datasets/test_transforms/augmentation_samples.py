"""Samples the augmentation tests share: a converted slice with organs, and draw helpers."""

import copy

import numpy as np


def organ_sample(height: int = 80, width: int = 96, planes: int = 1, seed: int = 0) -> dict:
    """A results dict as the converted sets load: ``img`` float32 (H, W) or (H, W, planes).

    The label (uint8, ids {0, 1, 2}) holds two discs at different places; the image is the
    label plus a smooth ramp and a little noise, so every plane has its own intensities.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:height, :width]
    label = np.zeros((height, width), np.uint8)
    label[(yy - 0.35 * height) ** 2 + (xx - 0.3 * width) ** 2 < (0.18 * height) ** 2] = 1
    label[(yy - 0.65 * height) ** 2 + (xx - 0.7 * width) ** 2 < (0.12 * height) ** 2] = 2
    stack = [
        label + 0.01 * (p + 1) * yy / height + 0.02 * rng.standard_normal((height, width))
        for p in range(planes)
    ]
    img = np.stack(stack, axis=-1).astype(np.float32)
    return dict(
        img=img[..., 0] if planes == 1 else img,
        gt_seg_map=label,
        seg_fields=['gt_seg_map'],
        img_shape=(height, width),
    )


def run_seeded(transform, sample: dict, seed: int) -> dict:
    """``transform`` on a copy of ``sample`` with numpy's global generator seeded."""
    np.random.seed(seed)
    return transform(copy.deepcopy(sample))


def changed_fraction(transform, sample: dict, draws: int, seed: int = 0) -> float:
    """How often ``transform`` changes ``sample``'s image, over ``draws`` draws."""
    np.random.seed(seed)
    changed = 0
    for _ in range(draws):
        out = transform(copy.deepcopy(sample))
        changed += not np.array_equal(out['img'], sample['img'])
    return changed / draws


def binomial_tolerance(p: float, draws: int) -> float:
    """Five standard deviations of a frequency of ``draws`` trials of probability ``p``."""
    return 5 * np.sqrt(p * (1 - p) / draws) + 1e-9
