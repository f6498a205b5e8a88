"""A cohort's outputs beside its label volumes: statistics, a preview per case, one report.

For the user with hundreds of scans: :func:`case_statistics` measures each class of a
case (volume in ml, intensity under the mask), :class:`StatisticsTable` keeps one
``statistics.csv`` row per finished case, :func:`render_preview` / :func:`write_preview`
draw a case's three planes with its labels, and :func:`write_report` pages through the run in
one HTML file with the outlier volumes marked (:func:`robust_scores`). Plain inputs only
(numpy volumes, spacings, names, paths), so any pipeline that has a label volume can call
them; ``tools/predict.py`` is the one that does.
"""

from .outliers import MAD_SCALE, robust_scores
from .preview import (
    CT_WINDOW,
    PLANES,
    Preview,
    display_planes,
    intensity_window,
    render_preview,
    structure_centre,
    write_preview,
)
from .report import STATUSES, ReportCase, render_report, write_report
from .statistics import MEASURES, case_statistics, voxel_volume_ml
from .statistics_table import StatisticsTable, statistics_columns

__all__ = [
    'CT_WINDOW',
    'MAD_SCALE',
    'MEASURES',
    'PLANES',
    'STATUSES',
    'Preview',
    'ReportCase',
    'StatisticsTable',
    'case_statistics',
    'display_planes',
    'intensity_window',
    'render_preview',
    'render_report',
    'robust_scores',
    'statistics_columns',
    'structure_centre',
    'voxel_volume_ml',
    'write_preview',
    'write_report',
]
