"""The layering docs/architecture.md promises: the core never imports a face (cli, api, web, report); a face
imports no other face except at the composition points listed here; and no modules of lifeline/ import each
other, directly or round a longer circle.

Every import statement counts, wherever it stands (module level, inside a function, under TYPE_CHECKING): an
import moved into a function still makes the two modules depend on each other."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lifeline"
FACES = ("cli", "api", "web", "report")

# A face importing another face, each allowed by name (importer, imported) and said why; docs/architecture.md
# lists the same. Any other import between faces fails, and so does an entry no longer used.
COMPOSITION = {
    # The CLI starts the server (`lifeline serve`) and writes the sitrep (`lifeline report`).
    ("lifeline.cli.serve", "lifeline.api.app"), ("lifeline.cli.serve", "lifeline.api.settings"),
    ("lifeline.cli.report", "lifeline.report.build"), ("lifeline.cli.report", "lifeline.report.render"),
    # The server (api/app.py) mounts the pages beside the API, warms their answers and renders their error page.
    ("lifeline.api.app", "lifeline.web.pages"), ("lifeline.api.app", "lifeline.web.views"),
}
SHARED_LAYERS = {
    # The pages are served by the API's server and use its request layer: sign-in and roles, sessions and
    # CSRF, request limits, the uploads path, and the answer cache both faces read (api/tables.py).
    ("lifeline.web.pages", "lifeline.api.auth"), ("lifeline.web.pages", "lifeline.api.session"),
    ("lifeline.web.pages", "lifeline.api.limits"), ("lifeline.web.pages", "lifeline.api.tables"),
    ("lifeline.web.pages", "lifeline.api.uploads"), ("lifeline.web.views", "lifeline.api.tables"),
}
ALLOWED_BETWEEN_FACES = COMPOSITION | SHARED_LAYERS


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _known(name: str) -> str | None:
    """The module of lifeline/ an import names (``lifeline.api.tables.optional`` -> ``lifeline.api.tables``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path) -> set[str]:
    """Every module of lifeline/ this file imports, wherever the import stands; ``from pkg import mod`` names
    the submodule."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(m for alias in node.names if (m := _known(alias.name)))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                m = _known(f"{node.module}.{alias.name}") if f"{node.module}.{alias.name}" in MODULES \
                    else _known(node.module)
                if m:
                    found.add(m)
    return found


def _face(module: str) -> str | None:
    part = module.split(".")[1] if module.count(".") else None
    return part if part in FACES else None


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def test_core_modules_never_import_a_face() -> None:
    core = [m for m in MODULES if _face(m) is None]
    assert len(core) > 20
    offending = {m: sorted(d for d in GRAPH[m] if _face(d)) for m in core}
    assert {k: v for k, v in offending.items() if v} == {}


def test_a_face_imports_no_other_face_but_at_the_listed_points() -> None:
    between = {(m, d) for m, deps in GRAPH.items() for d in deps if _face(m) and _face(d) and _face(m) != _face(d)}
    assert between - ALLOWED_BETWEEN_FACES == set()  # a new import between faces: move the shared piece out
    assert ALLOWED_BETWEEN_FACES - between == set()  # an exception no longer needed: take it off the list


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
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
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in graph:
                continue
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_cycle_finder_finds_direct_and_longer_circles() -> None:
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c", "f"}, "f": set(), "g": {"g"}}
    assert sorted(_cycles(graph)) == [["a", "b"], ["c", "d", "e"]]
    assert _cycles({"x": {"y"}, "y": {"z"}, "z": set()}) == []


def test_no_modules_import_each_other() -> None:
    assert len(GRAPH) > 100
    assert _cycles(GRAPH) == []
