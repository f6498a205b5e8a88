"""What ``tools/misc/check_dataset.py`` does: check every file a run would read, and say so."""

from typing import List

from attn_unet.datasets.file_listing import shared_listings
from attn_unet.datasets.integrity import (
    DatasetFilesReport,
    check_data,
    check_layouts,
    format_reports,
    raise_first_problem,
)

from .config import load_config

__all__ = ['check_dataset']


def check_dataset(
    config_path: str, mode: str = 'train', options: dict | None = None, list_problems=False
) -> List[DatasetFilesReport]:
    """What ``tools/misc/check_dataset.py`` does: check, print a summary, raise on bad data.

    Runs even when the config disables ``data_check``.

    Raises:
        DataIntegrityError: see :func:`~attn_unet.datasets.check_data`.
    """
    cfg = load_config(config_path, options)
    cfg.data_check = {**(cfg.get('data_check') or {}), 'enabled': True}
    with shared_listings():
        check_layouts(cfg, mode)
        reports = check_data(cfg, mode, raise_on_error=False)
    for line in format_reports(reports):
        print(line)
    if list_problems:
        for report in reports:
            for problem in report.problems:
                print(f'bad {report.split} file: {problem.line()}')
    raise_first_problem(reports, config_path)
    print(f'data OK: {sum(r.images for r in reports)} images in {len(reports)} datasets')
    return reports
