"""The layering docs/architecture.md promises: the core never imports a face (cli, api, web, report)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lifeline"
FACES = ("cli", "api", "web", "report")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_core_modules_never_import_a_face() -> None:
    core = [p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] not in FACES]
    assert len(core) > 20
    faces = {f"lifeline.{f}" for f in FACES}
    offending = {
        str(path.relative_to(PACKAGE)): sorted(m for m in _imports(path) if ".".join(m.split(".")[:2]) in faces)
        for path in core
    }
    assert {k: v for k, v in offending.items() if v} == {}
