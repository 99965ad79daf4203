"""Every module whose tests take the package-scoped served store or Chromium (tests/web/live.py) is one
scheduling unit under two workers (tests/conftest.py ``_ONE_UNIT``); a new browser module left out would
start a second server and Chromium on the other worker, and the suite would not say so."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import _ONE_UNIT

SHARED = {"live", "browser"}


def _takes_shared(module: Path) -> bool:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and {a.arg for a in node.args.args} & SHARED
        for node in ast.walk(tree)
    )


def test_every_browser_module_shares_one_unit() -> None:
    here = Path(__file__).parent
    users = {f"tests/web/{p.name}" for p in here.glob("test_*.py") if _takes_shared(p)}
    assert users, "no module takes the live fixtures: the scan is broken"
    assert users <= set(_ONE_UNIT), f"add to tests/conftest.py _ONE_UNIT: {sorted(users - set(_ONE_UNIT))}"
