"""``report.html``: one page for a run, a row per case, to page through a cohort.

Each row holds the case's preview, its statistics (per class: volume in ml, mean, median
and standard deviation of the intensity), its warnings (non-finite voxels filled, the series
chosen, ...) and, for a case that was skipped or failed, why. Every column but the preview
sorts on a click (:mod:`.report_page`). A volume far from its class's median over the done
cases (:func:`~.outliers.robust_scores`, beyond ``outlier_threshold`` scaled MADs) is marked
in red with an arrow and its score, and the row counts its marks, so sorting by that column
brings the suspicious cases to the top; skipped and failed rows are tinted.

The page is one file that needs no server and no network: style and script inline, the
previews either embedded (``data:`` URIs, one file to send, about 1.35x the PNGs' size) or
linked by their path relative to the page (a small page beside the PNGs).
"""

import base64
import html
import os.path as osp
from dataclasses import dataclass
from typing import List, Sequence
from urllib.parse import quote

from attn_unet.errors import ToolError
from attn_unet.fileio import write_text_atomically

from .outliers import MAD_SCALE, MIN_VALUES, robust_scores
from .report_page import SORT_SCRIPT, STYLE
from .statistics import MEASURES

__all__ = ['STATUSES', 'ReportCase', 'render_report', 'write_report']

STATUSES = ('done', 'skipped', 'failed')
_MEASURE_HEADS = {'volume_ml': 'ml', 'mean': 'mean', 'median': 'median', 'std': 'sd'}
# The columns before the classes': case, status, preview, notes, outliers.
_FIXED = ('case', 'status', 'preview', 'notes', 'outliers')


@dataclass
class ReportCase:
    """One case of the run, as the report shows it.

    Attributes:
        name: the case's name (its output stem).
        status: ``'done'``, ``'skipped'`` (refused before prediction) or ``'failed'``
            (stopped during it).
        statistics: :func:`~.statistics.case_statistics`'s record (or the same from the
            case's JSON), None without one.
        preview: the path of its PNG, None without one.
        warnings: one line each (non-finite voxels filled, the series chosen, ...).
        reason: why it was skipped or failed.
    """

    name: str
    status: str = 'done'
    statistics: dict | None = None
    preview: str | None = None
    warnings: Sequence[str] = ()
    reason: str | None = None


def render_report(
    cases: Sequence[ReportCase],
    *,
    classes: Sequence[str] | None = None,
    title: str = 'attn-unet predictions',
    subtitle: str | None = None,
    base_dir: str = '.',
    embed_previews: bool = False,
    outlier_threshold: float = 3.0,
) -> str:
    """The report's HTML.

    Args:
        cases: the run's cases, in the order the rows start in.
        classes: the classes with columns, in order; default: every class of the cases'
            statistics, in the order first seen.
        title: the page's heading.
        subtitle: a line under it (the config and checkpoint, say).
        base_dir: the folder the page will lie in: linked previews are relative to it.
        embed_previews: embed each PNG in the page instead of linking it.
        outlier_threshold: scaled MADs from a class's median beyond which a volume is marked.

    Returns:
        The page, one self-contained HTML document.

    Raises:
        ValueError: a status not in :data:`STATUSES`.
        ToolError: a preview to embed that cannot be read.
    """
    for case in cases:
        if case.status not in STATUSES:
            raise ValueError(f'{case.name}: status must be one of {STATUSES}, got {case.status!r}')
    classes = list(classes) if classes is not None else _classes_of(cases)
    scores = {name: robust_scores([_value(c, name, 'volume_ml') for c in cases])
              for name in classes}  # fmt: skip
    rows = [_row(i, case, classes, scores, base_dir, embed_previews, outlier_threshold)
            for i, case in enumerate(cases)]  # fmt: skip
    counts = {s: sum(c.status == s for c in cases) for s in STATUSES}
    flagged = sum(
        any(s is not None and abs(s) > outlier_threshold for s in (scores[n][i] for n in classes))
        for i in range(len(cases))
    )
    unit = next((c.statistics.get('intensity_unit') for c in cases
                 if c.statistics and c.statistics.get('intensity_unit')), None)  # fmt: skip
    summary = (
        f'{len(cases)} cases: {counts["done"]} done, {counts["skipped"]} skipped, '
        f'{counts["failed"]} failed; {flagged} with an outlier volume.'
    )
    rule = (
        f'Volumes in ml; intensity under each mask{f" in {unit}" if unit else ""} (mean, '
        f'median, sd). Marked: a volume more than {outlier_threshold:g} scaled MADs '
        f"(median absolute deviation x {MAD_SCALE}) from its class's median over the cases "
        f'that have one (at least {MIN_VALUES}). Click a column header to sort.'
    )
    return '\n'.join([
        '<!DOCTYPE html>',
        '<html lang="en"><head><meta charset="utf-8">',
        f'<title>{_e(title)}</title>',
        f'<style>{STYLE}</style>',
        '</head><body>',
        f'<h1>{_e(title)}</h1>',
        f'<p class="subtitle">{_e(subtitle)}</p>' if subtitle else '',
        f'<p class="summary" id="summary">{_e(summary)}</p>',
        f'<p class="rule">{_e(rule)}</p>',
        '<table id="cases">',
        _head(classes),
        '<tbody>',
        *rows,
        '</tbody></table>',
        f'<script>{SORT_SCRIPT}</script>',
        '</body></html>',
        '',
    ])  # fmt: skip


def write_report(
    path: str, cases: Sequence[ReportCase], overwrite: bool = False, **render_options
) -> None:
    """Write :func:`render_report`'s page to ``path``, whole or not at all.

    Args:
        path: the HTML file; linked previews are made relative to its folder.
        cases: as :func:`render_report`'s.
        overwrite: replace an existing file (a run's own report, rewritten as cases finish).
        render_options: :func:`render_report`'s keyword arguments but ``base_dir``.

    Raises:
        ToolError: ``path`` exists and ``overwrite`` is False.
    """
    if osp.exists(path) and not overwrite:
        raise ToolError(f'{path} exists: pass --overwrite to replace it, or another --out-dir')
    page = render_report(cases, base_dir=osp.dirname(path) or '.', **render_options)
    write_text_atomically(path, page, unique=True)


def _classes_of(cases: Sequence[ReportCase]) -> List[str]:
    seen: dict = {}
    for case in cases:
        for name in (case.statistics or {}).get('classes', {}):
            seen.setdefault(name, None)
    return list(seen)


def _value(case: ReportCase, name: str, measure: str):
    if case.status != 'done' or not case.statistics:
        return None
    return (case.statistics.get('classes', {}).get(name) or {}).get(measure)


def _head(classes: Sequence[str]) -> str:
    fixed = ''
    for col, name in enumerate(_FIXED):
        sort = '' if name == 'preview' else f' data-col="{col}"'
        fixed += f'<th rowspan="2" scope="col"{sort}>{name}</th>'
    groups = ''.join(
        f'<th colspan="{len(MEASURES)}" scope="colgroup">{_e(name)}</th>' for name in classes
    )
    col = len(_FIXED)
    measures = []
    for name in classes:
        for measure in MEASURES:
            measures.append(
                f'<th data-col="{col}" scope="col" title="{_e(name)}: {measure}">'
                f'{_MEASURE_HEADS[measure]}</th>'
            )
            col += 1
    return f'<thead><tr>{fixed}{groups}</tr><tr>{"".join(measures)}</tr></thead>'


def _row(index, case, classes, scores, base_dir, embed, threshold) -> str:
    cells = [
        f'<td class="case" data-sort="{_e(case.name)}">{_e(case.name)}</td>',
        f'<td class="status">{case.status}</td>',
        f'<td class="preview">{_preview(case, base_dir, embed)}</td>',
    ]
    notes = ([case.reason] if case.reason else []) + list(case.warnings)
    items = ''.join(f'<li>{_e(n)}</li>' for n in notes)
    cells.append(f'<td class="notes" data-sort="{len(notes)}">' +
                 (f'<ul>{items}</ul>' if notes else '') + '</td>')  # fmt: skip
    marks, flagged = [], 0
    for name in classes:
        for measure in MEASURES:
            value = _value(case, name, measure)
            score = scores[name][index] if measure == 'volume_ml' else None
            outlier = value is not None and score is not None and abs(score) > threshold
            flagged += outlier
            marks.append(_number_cell(name, measure, value, score if outlier else None))
    cells.append(f'<td class="num outliers" data-sort="{flagged}">{flagged or ""}</td>')
    cells += marks
    return f'<tr class="status-{case.status}" data-case="{_e(case.name)}">{"".join(cells)}</tr>'


def _number_cell(name, measure, value, outlier_score) -> str:
    """A statistic's cell; ``outlier_score`` (scaled MADs from the median) marks it."""
    if value is None:
        return '<td class="num" data-sort=""></td>'
    text = f'{value:.4g}' if measure == 'volume_ml' else f'{value:.1f}'
    if outlier_score is not None:
        score = outlier_score
        side = 'above' if score > 0 else 'below'
        size = 'inf' if abs(score) == float('inf') else f'{abs(score):.1f}'
        mark = '\u25b2' if score > 0 else '\u25bc'
        return (
            f'<td class="num outlier" data-sort="{value!r}" data-mark="{mark}" '
            f'title="{_e(name)}: {size} MADs {side} the median">{text}</td>'
        )
    return f'<td class="num" data-sort="{value!r}">{text}</td>'


def _preview(case: ReportCase, base_dir: str, embed: bool) -> str:
    if not case.preview:
        return ''
    alt = f'preview of {case.name}'
    if embed:
        try:
            with open(case.preview, 'rb') as f:
                data = base64.b64encode(f.read()).decode('ascii')
        except OSError as exc:
            raise ToolError(
                f'cannot read the preview {case.preview} of {case.name} ({exc.strerror or exc}):'
                ' write the previews first, or link them instead of embedding'
            ) from exc
        return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'
    href = quote(osp.relpath(case.preview, base_dir).replace(osp.sep, '/'))
    return f'<a href="{href}"><img src="{href}" alt="{_e(alt)}" loading="lazy"></a>'


def _e(text) -> str:
    return html.escape(str(text), quote=True)
