"""The fixed parts of ``report.html``: its style sheet and the script that sorts its table.

Inline, so the page needs no server, no network and no other file: a click on a column
header sorts the rows by that column (numbers as numbers, text as text, empty cells last in
either direction), a second click reverses the order, and the header says which column
sorts and how (``aria-sort``).
"""

__all__ = ['SORT_SCRIPT', 'STYLE']

STYLE = """
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #111; }
h1 { font-size: 18px; margin: 0 0 4px; }
p.summary, p.rule { margin: 2px 0; color: #333; }
table { border-collapse: collapse; margin-top: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }
thead { position: sticky; top: 0; }
th { background: #eee; }
th[data-col] { cursor: pointer; user-select: none; white-space: nowrap; }
th[data-col]::after { content: ' \\2195'; color: #999; }
th[aria-sort=ascending]::after { content: ' \\25B2'; color: #000; }
th[aria-sort=descending]::after { content: ' \\25BC'; color: #000; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.outlier { background: #ffd7d2; font-weight: bold; color: #a00000; }
td.outlier::before { content: attr(data-mark) ' '; }
tr.status-failed td, tr.status-skipped td { background: #fff3d6; }
tr.status-failed td.status { color: #a00000; font-weight: bold; }
tr.status-skipped td.status { color: #8a5a00; font-weight: bold; }
td.preview img { display: block; max-width: 360px; height: auto; }
td.notes ul { margin: 0; padding-left: 16px; max-width: 320px; }
"""

SORT_SCRIPT = """
(function () {
  var table = document.getElementById('cases');
  var body = table.tBodies[0];
  function key(row, col) {
    var cell = row.cells[col];
    var text = cell.getAttribute('data-sort');
    if (text === null) { text = cell.textContent.trim(); }
    if (text === '') { return null; }
    var number = Number(text);
    return isNaN(number) ? text.toLowerCase() : number;
  }
  function compare(a, b) {
    if (typeof a === typeof b) { return a < b ? -1 : a > b ? 1 : 0; }
    return typeof a === 'number' ? -1 : 1;
  }
  table.querySelectorAll('th[data-col]').forEach(function (header) {
    header.addEventListener('click', function () {
      var col = Number(header.getAttribute('data-col'));
      var ascending = header.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th[data-col]').forEach(function (other) {
        other.removeAttribute('aria-sort');
      });
      header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
        return { row: row, key: key(row, col), index: index };
      });
      rows.sort(function (a, b) {
        if (a.key === null || b.key === null) {
          return a.key === b.key ? a.index - b.index : a.key === null ? 1 : -1;
        }
        var order = compare(a.key, b.key);
        return (ascending ? order : -order) || a.index - b.index;
      });
      rows.forEach(function (item) { body.appendChild(item.row); });
    });
  });
})();
"""
