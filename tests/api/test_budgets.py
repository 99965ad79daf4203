"""docs/web.md states the budget of every endpoint, as the code enforces it, and every server setting."""

from __future__ import annotations

import re
from pathlib import Path

from lifeline.api.app import create_app
from lifeline.api.budgets import budgets, markdown, routes
from lifeline.api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")


def _documented_table() -> list[str]:
    match = re.search(r"<!-- budgets:start -->\n(.*?)\n<!-- budgets:end -->", DOC, re.S)
    assert match, "docs/web.md has no budgets table between its markers"
    return match[1].splitlines()


def test_every_route_has_its_budget_documented_as_the_code_has_it() -> None:
    settings = Settings(db_url="sqlite://", warm=False, secret_key="docs")  # the defaults, not this machine's env
    app = create_app(settings)
    expected = markdown(budgets(app, settings)).splitlines()
    documented = _documented_table()
    served = [f"`{method} {path}`" for method, path, _ in routes(app)]
    missing = [r for r in served if not any(line.startswith(f"| {r} |") for line in documented)]
    assert not missing, f"routes without a documented budget in docs/web.md: {missing}"
    assert len(served) > 30  # the API and the pages, walked through the included routers
    stale = sorted(set(documented) ^ set(expected))
    regenerate = "regenerate with python -m lifeline.api.budgets"
    assert not stale, f"docs/web.md's budgets differ from the code ({regenerate}):\n" + "\n".join(stale)


def test_every_server_setting_and_serve_option_is_documented() -> None:
    code = "".join((ROOT / "lifeline" / name).read_text(encoding="utf-8")
                   for name in ("api/settings.py", "cli/serve.py", "config.py"))
    names = set(re.findall(r"LIFELINE_[A-Z_]+", code)) - {"LIFELINE_"}
    assert {"LIFELINE_TRUSTED_PROXIES", "LIFELINE_REQUEST_SECONDS"} <= names
    assert not [n for n in sorted(names) if n not in DOC], "settings missing from docs/web.md"
    options = set(re.findall(r'typer\.Option\(\s*"(--[a-z-]+)"', (ROOT / "lifeline/cli/serve.py").read_text()))
    assert "--trusted-proxy" in options
    assert not [o for o in sorted(options) if o not in DOC], "serve/demo options missing from docs/web.md"
