"""The anatomy as seen in a rendered case: the pancreas is placed, sized and disguised
the way the module docstring promises."""

import numpy as np


def test_pancreas_is_small_and_lies_between_the_stomach_and_the_aorta(case):
    _, label, _ = case
    rows = {i: np.argwhere(label == i)[:, 0].mean() for i in (7, 8, 11)}  # anterior -> posterior
    assert (label == 11).sum() < 0.05 * (label == 6).sum()  # small next to the liver
    assert rows[7] < rows[11] < rows[8]
    pancreas_levels = set(np.unique(np.argwhere(label == 11)[:, 2]))
    vein_levels = set(np.unique(np.argwhere(label == 10)[:, 2]))
    assert pancreas_levels & vein_levels  # the splenic vein runs along it


def test_look_alikes_share_the_pancreas_intensity(case):
    hu, label, _ = case
    pancreas = np.median(hu[label == 11])
    unlabelled = hu[(label == 0) & (np.abs(hu - pancreas) < 20)]
    assert unlabelled.size > (label == 11).sum()  # bowel and duodenum at pancreas HU
