"""A run's account of its volumes: done, complete before, skipped, failed; its run files.

What ``tools/predict.py`` keeps beside the per-volume outputs of a cohort: every volume's
outcome, ``skipped.csv`` (each volume ``--keep-going`` skipped or that failed, with the
reason), the summary line, the exit code (1 when any volume was skipped or failed), and the
``report.html`` of ``--report`` (:mod:`attn_unet.apis.cohort`).
"""

import csv
import io
import os
import os.path as osp
import sys
from dataclasses import dataclass, field
from typing import List

from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from ..cohort import ReportCase, write_report

__all__ = ['Ledger', 'Outcome', 'PredictRun', 'skipped_file']

STATISTICS_FILE = 'statistics.csv'
REPORT_FILE = 'report.html'


def skipped_file(out_dir: str) -> str:
    """``OUT/skipped.csv``; ``OUT/skipped-rank<R>.csv`` for each rank under a launcher."""
    if int(os.environ.get('WORLD_SIZE', 1)) > 1:
        return osp.join(out_dir, f'skipped-rank{int(os.environ.get("RANK", 0))}.csv')
    return osp.join(out_dir, 'skipped.csv')


@dataclass
class Outcome:
    """One volume of the run.

    Attributes:
        name: its output stem.
        scan: the input (file or series folder).
        status: ``'done'`` (predicted now), ``'complete'`` (by an earlier run, kept),
            ``'skipped'`` (refused by the checks before work) or ``'failed'`` (stopped
            during its prediction).
        reason: why it was skipped or failed.
        statistics: its per-class statistics (done and complete volumes).
        preview: its preview PNG, when there is one.
        warnings: one line each: what the run had to say about it.
    """

    name: str
    scan: str
    status: str
    reason: str | None = None
    statistics: dict | None = None
    preview: str | None = None
    warnings: List[str] = field(default_factory=list)


@dataclass
class PredictRun:
    """What :func:`~.pipeline.predict` did.

    Attributes:
        written: the files written by this process.
        outcomes: every volume of this process's share, in input order.
        summary: the closing line (counts per outcome).
    """

    written: List[str]
    outcomes: List[Outcome]
    summary: str

    @property
    def exit_code(self) -> int:
        """1 when a volume was skipped or failed (``--keep-going``), else 0."""
        return int(any(o.status in ('skipped', 'failed') for o in self.outcomes))


class Ledger:
    """Collects the outcomes of one run and writes its run files.

    Args:
        out_dir: the ``--out-dir``.
        report: write ``report.html`` at the end.
        resume: ``--continue``: an earlier run's ``skipped.csv`` may be replaced.
        overwrite: ``--overwrite``: the same.
    """

    def __init__(self, out_dir: str, report: bool, resume: bool, overwrite: bool) -> None:
        self.out_dir = out_dir
        self.report = osp.join(out_dir, REPORT_FILE) if report else None
        self.skipped = skipped_file(out_dir)
        self.replace = resume or overwrite
        self.outcomes: List[Outcome] = []

    def check(self, keep_going: bool) -> None:
        """Refuse run files that exist when neither ``--continue`` nor ``--overwrite`` is given.

        Raises:
            ToolError: naming the file and the fix.
        """
        mine = [self.report] + ([self.skipped] if keep_going else [])
        for path in filter(None, mine):
            if osp.exists(path) and not self.replace:
                raise ToolError(
                    f"{path} exists (an earlier run's): pass --continue to go on "
                    'with that run, --overwrite to replace it, or another --out-dir'
                )

    def add(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if outcome.status in ('skipped', 'failed'):
            print(f'{outcome.status}: {outcome.name}: {outcome.reason}', file=sys.stderr)

    def finish(self, written: List[str]) -> PredictRun:
        """Write ``skipped.csv`` and the report; the run's closing account."""
        counts = {s: sum(o.status == s for o in self.outcomes)
                  for s in ('done', 'complete', 'skipped', 'failed')}  # fmt: skip
        missed = [o for o in self.outcomes if o.status in ('skipped', 'failed')]
        if missed:
            write_text_atomically(self.skipped, _skipped_table(missed), unique=True)
        elif self.replace and osp.exists(self.skipped):
            os.remove(self.skipped)  # an earlier run's list, of volumes now done
        summary = (f'{counts["done"]} done, {counts["complete"]} complete before, '
                   f'{counts["skipped"]} skipped, {counts["failed"]} failed')  # fmt: skip
        if missed:
            summary += f' (each with its reason in {self.skipped})'
        if self.report:
            rows = [_report_case(o) for o in sorted(self.outcomes, key=lambda o: o.name)]
            write_report(self.report, rows, overwrite=True, subtitle=summary)
        return PredictRun(written, list(self.outcomes), summary)


def _skipped_table(missed: List[Outcome]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator='\n')
    writer.writerow(['case', 'scan', 'status', 'reason'])
    writer.writerows([o.name, o.scan, o.status, o.reason] for o in missed)
    return text.getvalue()


def _report_case(outcome: Outcome) -> ReportCase:
    status = 'done' if outcome.status == 'complete' else outcome.status
    warnings = list(outcome.warnings)
    if outcome.status == 'complete':
        warnings.append('predicted by an earlier run (--continue kept it)')
    return ReportCase(outcome.name, status, outcome.statistics, outcome.preview, warnings,
                      outcome.reason)  # fmt: skip
