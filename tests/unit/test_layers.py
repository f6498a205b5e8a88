"""Dependencies point one way: the layer contracts of pyproject.toml hold, and no module of the
package takes part in an import circle (function-level imports count)."""

import grimp
from importlinter.cli import lint_imports

from tests.helpers.tools import REPO


def test_import_linter_contracts_are_kept(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(REPO))
    assert lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True) == 0


def _imports(graph: grimp.ImportGraph, module: str) -> list:
    """What ``module`` imports, less a package's own children (re-exported by its face)."""
    return sorted(
        m for m in graph.find_modules_directly_imported_by(module) if not m.startswith(module + '.')
    )


def _circles(graph: grimp.ImportGraph, modules) -> list:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, circles, counter = {}, {}, set(), [], [], [0]
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, iter(_imports(graph, root)))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        circles.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(_imports(graph, child))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return circles


def test_no_import_circle_between_modules(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO))
    graph = grimp.build_graph('attn_unet')
    assert _circles(graph, graph.modules) == []


def test_the_error_root_imports_nothing_of_the_package(monkeypatch):
    monkeypatch.syspath_prepend(str(REPO))
    graph = grimp.build_graph('attn_unet')
    assert graph.find_modules_directly_imported_by('attn_unet.errors') == set()
