"""render_report / write_report read as HTML: a row per case, the numbers, the outliers marked,
the failed and skipped cases with their reasons, the previews embedded or linked."""

import base64
import os.path as osp
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from attn_unet.apis.cohort import ReportCase, render_report, write_report
from attn_unet.errors import ToolError
from tests.helpers.cohort_fixtures import DONE, cohort, liver_ml, spleen_ml


class Table(HTMLParser):
    """The body rows of ``table#cases``: per row its attributes and cells (attrs, text, imgs)."""

    def __init__(self):
        super().__init__()
        self.rows, self.headers, self.in_body, self.cell = [], [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'tbody':
            self.in_body = True
        elif tag == 'tr' and self.in_body:
            self.rows.append(dict(attrs=attrs, cells=[]))
        elif tag == 'td' and self.in_body:
            self.cell = dict(attrs=attrs, text='', imgs=[], links=[])
            self.rows[-1]['cells'].append(self.cell)
        elif tag == 'th':
            self.headers.append(attrs)
        elif tag == 'img' and self.cell is not None:
            self.cell['imgs'].append(attrs['src'])
        elif tag == 'a' and self.cell is not None:
            self.cell['links'].append(attrs['href'])

    def handle_endtag(self, tag):
        if tag == 'td':
            self.cell = None
        elif tag == 'tbody':
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell['text'] += data


def _parse(page: str) -> Table:
    table = Table()
    table.feed(page)
    return table


@pytest.fixture(scope='module')
def cases(tmp_path_factory):
    return cohort(str(tmp_path_factory.mktemp('cohort')))


def _cells(row):
    """``{column: cell}`` of a row: the fixed columns, then '<class>_<measure>'."""
    names = ['case', 'status', 'preview', 'notes', 'outliers'] + [
        f'{c}_{m}' for c in ('liver', 'spleen') for m in ('volume_ml', 'mean', 'median', 'std')
    ]
    assert len(row['cells']) == len(names)
    return dict(zip(names, row['cells']))


def test_a_row_per_case_with_its_status_and_numbers(cases):
    table = _parse(render_report(cases, base_dir=osp.dirname(cases[0].preview)))
    assert [r['attrs']['data-case'] for r in table.rows] == [c.name for c in cases]
    by_name = {r['attrs']['data-case']: _cells(r) for r in table.rows}
    for name, liver, spleen in DONE:
        cells = by_name[name]
        assert cells['status']['text'] == 'done'
        assert float(cells['liver_volume_ml']['attrs']['data-sort']) == pytest.approx(
            liver_ml(liver))  # fmt: skip
        assert float(cells['spleen_volume_ml']['attrs']['data-sort']) == pytest.approx(
            spleen_ml(spleen))  # fmt: skip
    assert by_name['case_6']['status']['text'] == 'skipped'
    assert 'truncated' in by_name['case_6']['notes']['text']
    assert by_name['case_7']['status']['text'] == 'failed'
    assert 'out of memory' in by_name['case_7']['notes']['text']
    assert by_name['case_7']['liver_volume_ml']['text'] == ''
    assert 'not finite' in by_name['case_2']['notes']['text']


def test_the_outlier_volumes_are_marked_and_counted(cases):
    table = _parse(render_report(cases))
    marked = {
        (r['attrs']['data-case'], column)
        for r in table.rows
        for column, cell in _cells(r).items()
        if 'outlier' in cell['attrs'].get('class', '').split()
    }
    assert marked == {('case_4', 'liver_volume_ml'), ('case_5', 'spleen_volume_ml')}
    by_name = {r['attrs']['data-case']: _cells(r) for r in table.rows}
    assert by_name['case_4']['liver_volume_ml']['attrs']['data-mark'] == '\u25bc'  # below
    assert by_name['case_5']['spleen_volume_ml']['attrs']['data-mark'] == '\u25b2'  # above
    assert [by_name[n]['outliers']['attrs']['data-sort'] for n in by_name] == [
        '0', '0', '0', '0', '1', '1', '0', '0']  # fmt: skip
    assert '2 with an outlier volume' in render_report(cases)


def test_every_column_but_the_preview_sorts(cases):
    table = _parse(render_report(cases))
    sortable = [int(h['data-col']) for h in table.headers if 'data-col' in h]
    assert sortable == [0, 1, 3, 4] + list(range(5, 13))


def test_previews_are_linked_relative_to_the_page(cases, tmp_path):
    folder = osp.dirname(cases[0].preview)
    table = _parse(render_report(cases, base_dir=folder))
    done = [r for r in table.rows if r['attrs']['class'] == 'status-done']
    for row, case in zip(done, cases):
        (src,) = _cells(row)['preview']['imgs']
        assert osp.samefile(osp.join(folder, unquote(src)), case.preview)
    # from a page in another folder, the same files
    elsewhere = tmp_path / 'html'
    elsewhere.mkdir()
    table = _parse(render_report(cases, base_dir=str(elsewhere)))
    (src,) = _cells(table.rows[0])['preview']['imgs']
    assert osp.samefile(osp.join(elsewhere, unquote(src)), cases[0].preview)


def test_previews_can_be_embedded(cases):
    table = _parse(render_report(cases, embed_previews=True))
    (src,) = _cells(table.rows[0])['preview']['imgs']
    assert src.startswith('data:image/png;base64,')
    with open(cases[0].preview, 'rb') as f:
        assert base64.b64decode(src.split(',', 1)[1]) == f.read()


def test_an_unreadable_preview_to_embed_is_named(tmp_path):
    case = ReportCase('c', preview=str(tmp_path / 'gone.png'))
    with pytest.raises(ToolError, match='cannot read the preview .*gone.png of c'):
        render_report([case], embed_previews=True)


def test_text_is_escaped():
    page = render_report([ReportCase('<script>x</script>', 'failed', reason='a & <b>')])
    assert '<script>x</script>' not in page and '&lt;script&gt;' in page
    assert 'a &amp; &lt;b&gt;' in page


def test_a_bad_status_is_refused():
    with pytest.raises(ValueError, match='status must be one of'):
        render_report([ReportCase('c', 'maybe')])


def test_the_page_is_written_whole_and_kept_unless_asked(cases, tmp_path):
    path = tmp_path / 'report.html'
    path.write_text('mine')
    with pytest.raises(ToolError, match='exists: pass --overwrite'):
        write_report(str(path), cases)
    assert path.read_text() == 'mine'
    write_report(str(path), cases, overwrite=True, title='Cohort 7')
    page = path.read_text()
    assert page.startswith('<!DOCTYPE html>') and '<h1>Cohort 7</h1>' in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ['report.html']


def test_the_page_needs_no_network(cases):
    page = render_report(cases)
    assert 'http://' not in page and 'https://' not in page and '<link' not in page
    assert 'src="//' not in page
