"""Every relative link in the docs points at a file that exists, so moved files show up here."""

import re

import pytest

from tests.helpers.tools import REPO

DOCS = sorted(
    p.relative_to(REPO).as_posix()
    for pattern in ('README.md', 'docs/en/*.md', 'configs/*/README.md')
    for p in REPO.glob(pattern)
)
FENCE = re.compile(r'^(`{3,}|~{3,}).*?^\1', re.M | re.S)
INLINE_CODE = re.compile(r'`[^`\n]*`')
# [text](target "title") and ![alt](target); reference definitions: [label]: target
INLINE_LINK = re.compile(r'!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
REFERENCE_LINK = re.compile(r'^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$', re.M)
HTML_LINK = re.compile(r'<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]+)"', re.I)
EXTERNAL = re.compile(r'^(?:[a-z][a-z0-9+.-]*:|//)', re.I)  # http:, https:, mailto:, //host


def relative_links(text: str) -> list[str]:
    """The link targets of a Markdown text that are paths, without their anchors.

    Links inside code blocks and inline code are not links; external URLs and pure anchors
    (``#section``) are left out.
    """
    text = INLINE_CODE.sub('', FENCE.sub('', text))
    targets = []
    for pattern in (INLINE_LINK, REFERENCE_LINK, HTML_LINK):
        targets += pattern.findall(text)
    paths = []
    for target in targets:
        if EXTERNAL.match(target) or target.startswith('#'):
            continue
        paths.append(target.split('#', 1)[0].split('?', 1)[0])
    return paths


@pytest.mark.parametrize(
    'text, links',
    [
        ('[a](docs/en/a.md) and [b](../b.md#part)', ['docs/en/a.md', '../b.md']),
        ('![img](img.png "title") [web](https://x.org/a.md) [here](#install)', ['img.png']),
        ('`[not](a.md)` and\n```\n[not](b.md)\n```\n[yes](c.md)', ['c.md']),
        (
            '[ref]: docs/en/d.md\n<a href="e.py">e</a> <a href="http://x">x</a>',
            ['docs/en/d.md', 'e.py'],
        ),
    ],
)
def test_relative_links_are_found(text, links):
    assert sorted(relative_links(text)) == sorted(links)


def test_the_docs_are_found():
    assert 'README.md' in DOCS
    assert any(doc.startswith('docs/en/') for doc in DOCS)
    assert any(doc.startswith('configs/') for doc in DOCS)


@pytest.mark.parametrize('doc', DOCS)
def test_every_relative_link_resolves(doc):
    source = REPO / doc
    broken = []
    for link in relative_links(source.read_text()):
        target = (source.parent / link).resolve()
        if not target.is_relative_to(REPO):
            broken.append(f'{link} (outside the repository)')
        elif not target.exists():
            broken.append(link)
    assert not broken, f'{doc} links to files that do not exist: {broken}'
