"""One scorer for both tools: this project's per-volume rule on the scans' own grids.

Every predicted label volume (nnU-Net's and this project's ``tools/predict.py``'s, both on
the scan's grid with the dataset's label values) is compared with the reference label
file voxel for voxel: per class, DSC and HD95 in mm (the header's spacing) by
:func:`attn_unet.evaluation.metrics.case_scores.score_case` under nnU-Net's empty-class
rule (a class in neither volume does not count for that case), then averaged over cases.
Voxels of nnU-Net's ``ignore`` label count in neither volume.
"""

import math
from pathlib import Path
from typing import Dict

import numpy as np

__all__ = ['score_volumes']


def score_volumes(predictions: Dict[str, Path], references: Dict[str, Path],
                  labels: Dict[int, str], ignore_value: int | None = None) -> dict:  # fmt: skip
    """Per case and class DSC (%) and HD95 (mm), and their means over cases.

    Args:
        predictions: ``{case: predicted label file}``.
        references: ``{case: reference label file}`` (every case of ``predictions``).
        labels: ``{value: name}`` of the classes to score (background left out).
        ignore_value: The value of nnU-Net's ignore label, masked out of both.

    Raises:
        ValueError: a prediction on another grid than its reference.
    """
    import nibabel as nib

    from attn_unet.evaluation.metrics.case_scores import score_case

    per_case = {}
    for case in sorted(predictions):
        pred_image, ref_image = nib.load(predictions[case]), nib.load(references[case])
        pred = np.asarray(pred_image.dataobj).astype(np.int64)
        ref = np.asarray(ref_image.dataobj).astype(np.int64)
        if pred.shape != ref.shape or not np.allclose(pred_image.affine, ref_image.affine,
                                                      atol=1e-3):  # fmt: skip
            raise ValueError(f'{predictions[case]} is not on the grid of {references[case]}')
        if ignore_value is not None:
            unlabelled = ref == ignore_value
            pred[unlabelled] = ref[unlabelled] = 0
        spacing = tuple(float(s) for s in ref_image.header.get_zooms()[:3])
        per_case[case] = {}
        for value, name in labels.items():
            dsc, hd95 = score_case(pred == value, ref == value, spacing, 'nnunet')
            per_case[case][name] = dict(DSC=100 * dsc, HD95=hd95)
    means = {}
    for name in labels.values():
        for key in ('DSC', 'HD95'):
            values = [s[name][key] for s in per_case.values() if not math.isnan(s[name][key])]
            means[f'{key}.{name}'] = float(np.mean(values)) if values else math.nan
    return dict(per_case=per_case, means=means)
