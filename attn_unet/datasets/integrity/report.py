"""What the data check reports: one :class:`Problem` per bad file, a report per dataset.

:func:`raise_first_problem` turns the reports into the one-line
:class:`DataIntegrityError` that names the first bad file and counts the others.
"""

from dataclasses import dataclass, field
from typing import List

from attn_unet.errors import DataIntegrityError

__all__ = [
    'DatasetFilesReport',
    'Problem',
    'format_reports',
    'one_line',
    'raise_first_problem',
]


@dataclass
class Problem:
    """One bad file: where it is, what is wrong and how to fix it."""

    path: str
    what: str
    fix: str

    def line(self) -> str:
        return f'{self.path} {self.what}'


@dataclass
class DatasetFilesReport:
    """What :func:`~attn_unet.datasets.integrity.check_dataset_files` found in one dataset.

    Attributes:
        split: ``'train'``, ``'val'`` or ``'test'``.
        dataset: the dataset type and image folder, for messages.
        images: images listed by the dataset.
        labels: labels checked (0 when the pipeline loads none).
        num_classes: classes in the dataset's metainfo.
        classes_seen: class ids found in the labels (ignore index left out).
        cache_hits: files whose facts came from the cache.
        files_read: files read and decoded in this call.
        problems: every bad file, in the dataset's order (image before its
            label), orphan labels last.
    """

    split: str
    dataset: str
    images: int = 0
    labels: int = 0
    num_classes: int = 0
    classes_seen: List[int] = field(default_factory=list)
    cache_hits: int = 0
    files_read: int = 0
    problems: List[Problem] = field(default_factory=list)


def format_reports(reports: List[DatasetFilesReport]) -> List[str]:
    """One summary line per dataset: images, labels, classes seen, cache use, bad files."""
    lines = []
    for r in reports:
        seen = ' '.join(map(str, r.classes_seen)) or '-'
        lines.append(
            f'{r.split}: {r.dataset}: {r.images} images, {r.labels} labels, '
            f'classes seen {len(r.classes_seen)}/{r.num_classes} ({seen}), '
            f'files read {r.files_read}, cache hits {r.cache_hits}, bad files {len(r.problems)}'
        )
    return lines


def raise_first_problem(reports: List[DatasetFilesReport], config_path: str | None) -> None:
    """Raise :class:`DataIntegrityError` for the first problem in ``reports``, if any."""
    problems = [(r.split, p) for r in reports for p in r.problems]
    if not problems:
        return
    split, first = problems[0]
    more = ''
    if len(problems) > 1:
        tool = f'python3 tools/misc/check_dataset.py {config_path or "CONFIG"} --list'
        more = f' ({len(problems) - 1} more bad files: {tool} lists them, same --cfg-options)'
    raise DataIntegrityError(f'{split} data: {first.line()}: {first.fix}{more}')


def one_line(exc: BaseException) -> str:
    """``exc``'s message on one line, at most 160 characters (its type name if empty)."""
    return ' '.join(str(exc).split())[:160] or type(exc).__name__
