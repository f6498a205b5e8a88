"""A real browser for the tests of pages a user opens: Debian's Chromium, headless, via selenium.

Chromium comes from the OS packages (``apt-get install chromium chromium-driver``), which
``.ci/run`` installs; without them the tests that ask for ``browser`` skip, saying so, unless
``ATTN_UNET_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

import os
import shutil
import struct

import pytest

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
CHROMEDRIVER = shutil.which('chromedriver')
# As the machine notes give them: no GPU, no sandbox as root, none of Chromium's own traffic.
FLAGS = (
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--window-size=1500,1100',
)  # fmt: skip


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        reason = (
            'Chromium and ChromeDriver are not installed (Debian: apt-get install chromium '
            'chromium-driver; .ci/run installs them)'
        )
        if os.environ.get('ATTN_UNET_REQUIRE_BROWSER') == '1':
            pytest.fail(f'{reason}, and ATTN_UNET_REQUIRE_BROWSER=1 requires the browser test')
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f'--user-data-dir={tmp_path_factory.mktemp("chromium-profile")}')
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def open_page(browser, path) -> None:
    """Load the file ``path`` and wait until the page says it is complete."""
    browser.get(path.as_uri())
    assert browser.execute_script('return document.readyState') == 'complete'


def png_width(path) -> int:
    """The width in pixels a PNG file's header gives."""
    with open(path, 'rb') as f:
        return struct.unpack('>I', f.read(24)[16:20])[0]
