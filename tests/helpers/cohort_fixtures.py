"""A small segmented cohort for the report's tests: volumes, statistics, previews, statuses.

Eight cases of a CT phantom: six done (one with a liver far too small, one with a spleen far
too large: the outliers), one skipped before prediction and one failed during it. The liver
and spleen volumes are known in closed form (boxes of voxels), so a test can compute them
itself.
"""

import os.path as osp
from typing import List

import numpy as np

from attn_unet.apis.cohort import (
    ReportCase,
    case_statistics,
    render_preview,
    write_preview,
)

CLASSES = ['background', 'liver', 'spleen']
PALETTE = [(0, 0, 0), (220, 40, 40), (40, 200, 60)]
SPACING = (0.8, 0.8, 4.0)
SHAPE = (48, 40, 14)
# (name, liver box edge in voxels (x, y), spleen edge): case_4's liver and case_5's spleen
# stand out.
DONE = [
    ('case_0', (16, 16), (8, 8)),
    ('case_1', (17, 16), (8, 9)),
    ('case_2', (16, 15), (9, 8)),
    ('case_3', (15, 16), (8, 8)),
    ('case_4', (3, 3), (8, 9)),
    ('case_5', (16, 17), (20, 20)),
]
LIVER_SLICES = 6
SPLEEN_SLICES = 5


def liver_ml(edge) -> float:
    return edge[0] * edge[1] * LIVER_SLICES * np.prod(SPACING) / 1000


def spleen_ml(edge) -> float:
    return edge[0] * edge[1] * SPLEEN_SLICES * np.prod(SPACING) / 1000


def phantom(liver, spleen, seed):
    """``(image, labels)`` of one case, ``(X, Y, Z)`` in LPS order."""
    rng = np.random.default_rng(seed)
    image = rng.normal(-20, 30, SHAPE).astype(np.float32)
    labels = np.zeros(SHAPE, np.uint8)
    labels[2 : 2 + liver[0], 2 : 2 + liver[1], 3 : 3 + LIVER_SLICES] = 1
    labels[26 : 26 + spleen[0], 18 : 18 + spleen[1], 5 : 5 + SPLEEN_SLICES] = 2
    image[labels == 1] += 80
    image[labels == 2] += 60
    return image, labels


def cohort(folder: str) -> List[ReportCase]:
    """The eight cases, their previews written under ``folder``."""
    cases = []
    for seed, (name, liver, spleen) in enumerate(DONE):
        image, labels = phantom(liver, spleen, seed)
        preview = render_preview(image, labels, SPACING, PALETTE, CLASSES, modality='CT',
                                 title=name, max_side=200)  # fmt: skip
        path = osp.join(folder, f'{name}_preview.png')
        write_preview(path, preview)
        warnings = ['3 of 26880 voxels are not finite; read as air (-1024 HU)'] if seed == 2 else []
        cases.append(ReportCase(
            name, 'done', case_statistics(labels, image, SPACING, CLASSES, unit='HU'), path,
            warnings,
        ))  # fmt: skip
    cases.append(ReportCase('case_6', 'skipped', reason='case_6.nii.gz is truncated: '
                            '1843200 of 2150400 bytes'))  # fmt: skip
    cases.append(ReportCase('case_7', 'failed', reason='out of memory while segmenting'))
    return cases
