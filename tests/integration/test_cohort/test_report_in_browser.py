"""report.html in a real browser: Debian's Chromium, headless, driven by selenium.

What a user sees is checked where the user sees it: every case a row, every preview image
loaded (linked beside the page or embedded in it), a click on a column header sorting the
rows (and a second click reversing them), the outlier volumes painted red. A screenshot of
the page is kept under the test's tmp folder (its path is printed; ``pytest -s`` shows it).

Chromium comes from the OS packages (``apt-get install chromium chromium-driver``), which
``.ci/run`` installs; without them these tests skip, saying so, unless
``ATTN_UNET_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

import pytest

from attn_unet.apis.cohort import write_report
from tests.helpers.browser import open_page, png_width
from tests.helpers.cohort_fixtures import DONE, cohort, liver_ml


@pytest.fixture(scope='module')
def run_folder(tmp_path_factory):
    """A run's folder: the eight cases' previews and their report.html beside them."""
    folder = tmp_path_factory.mktemp('run')
    cases = cohort(str(folder))
    write_report(str(folder / 'report.html'), cases, title='Cohort in a browser')
    write_report(str(folder / 'embedded.html'), cases, embed_previews=True)
    return folder


def _column(browser, col):
    """The ``data-sort`` values of column ``col``, top row first."""
    return browser.execute_script(
        'return Array.from(document.querySelectorAll("#cases tbody tr"))'
        '.map(r => r.cells[arguments[0]].getAttribute("data-sort"))',
        col,
    )


def _header(browser, col):
    return browser.find_element('css selector', f'th[data-col="{col}"]')


def test_every_case_is_a_row_with_its_status(browser, run_folder):
    open_page(browser, run_folder / 'report.html')
    rows = browser.find_elements('css selector', '#cases tbody tr')
    assert [r.get_attribute('data-case') for r in rows] == [f'case_{i}' for i in range(8)]
    statuses = [r.find_element('css selector', 'td.status').text for r in rows]
    assert statuses == ['done'] * 6 + ['skipped', 'failed']
    assert browser.find_element('id', 'summary').text == (
        '8 cases: 6 done, 1 skipped, 1 failed; 2 with an outlier volume.'
    )
    assert 'truncated' in rows[6].find_element('css selector', 'td.notes').text


@pytest.mark.parametrize('page', ['report.html', 'embedded.html'])
def test_every_preview_loads(browser, run_folder, page):
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(browser, run_folder / page)
    images = browser.find_elements('css selector', '#cases td.preview img')
    assert len(images) == len(DONE)
    for image, (name, _, _) in zip(images, DONE):
        browser.execute_script('arguments[0].scrollIntoView()', image)  # lazy images load
        WebDriverWait(browser, 30).until(
            lambda _, image=image: browser.execute_script('return arguments[0].complete', image)
        )
        natural = browser.execute_script('return arguments[0].naturalWidth', image)
        assert natural == png_width(run_folder / f'{name}_preview.png')  # decoded, not broken


def test_a_click_on_a_header_sorts_and_a_second_reverses(browser, run_folder):
    open_page(browser, run_folder / 'report.html')
    liver_ml_col = 5
    header = _header(browser, liver_ml_col)
    header.click()
    assert header.get_attribute('aria-sort') == 'ascending'
    values = _column(browser, liver_ml_col)
    volumes = sorted(liver_ml(liver) for _, liver, _ in DONE)
    assert [float(v) for v in values[:6]] == pytest.approx(volumes)
    assert values[6:] == ['', '']  # skipped and failed cases last
    header.click()
    assert header.get_attribute('aria-sort') == 'descending'
    values = _column(browser, liver_ml_col)
    assert [float(v) for v in values[:6]] == pytest.approx(volumes[::-1])
    assert values[6:] == ['', '']
    # the outliers column, descending, puts the two suspicious cases on top
    outliers = _header(browser, 4)
    outliers.click()
    outliers.click()
    names = _column(browser, 0)
    assert set(names[:2]) == {'case_4', 'case_5'}
    assert header.get_attribute('aria-sort') is None
    # text sorts as text: the status column, ascending
    _header(browser, 1).click()
    statuses = [r.text for r in browser.find_elements('css selector', '#cases td.status')]
    assert statuses == sorted(statuses)


def test_outliers_are_painted_red_and_the_page_is_kept_as_a_picture(browser, run_folder, tmp_path):
    open_page(browser, run_folder / 'report.html')
    cell = browser.find_element(
        'css selector', 'tr[data-case="case_4"] td.outlier'
    )  # the liver of 3 x 3 voxels
    assert (
        browser.execute_script('return getComputedStyle(arguments[0]).backgroundColor', cell)
        == 'rgb(255, 215, 210)'
    )
    normal = browser.find_element('css selector', 'tr[data-case="case_0"] td.num')
    assert (
        browser.execute_script('return getComputedStyle(arguments[0]).backgroundColor', normal)
        == 'rgba(0, 0, 0, 0)'
    )
    _header(browser, 4).click()
    _header(browser, 4).click()  # outliers first, as a user would look
    shot = tmp_path / 'report_screenshot.png'
    assert browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000 and png_width(shot) >= 1000
    print(f'screenshot of report.html: {shot}')
