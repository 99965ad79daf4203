"""The budget of every endpoint (time, rows, request body, Monte Carlo runs), derived from the settings
and limits the code enforces, so docs/web.md can state them and a test can check every route is listed.

``python -m lifeline.api.budgets`` prints the table docs/web.md holds (with the default settings).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route

from lifeline.api import limits
from lifeline.api.deadline import has_deadline
from lifeline.api.middleware import body_limit
from lifeline.api.respond import TableDoc
from lifeline.api.settings import Settings
from lifeline.store.window import MAX_WINDOW_DAYS

# Answers computed through the single-flight answer cache (lifeline.api.tables.cached), whose fresh
# computations for anonymous callers share limits.ANONYMOUS_BUDGET.
COMPUTED = {"/api/v1/access", "/api/v1/access/closures", "/api/v1/access/throughput", "/api/v1/sources/compare",
            "/api/v1/series", "/api/v1/coverage", "/api/v1/studies", "/", "/access", "/coverage", "/sources", "/map"}


# Answers that are files or the schema, not tables.
FILES = {"/openapi.json", "/vendor/plotly.min.js", "/favicon.ico"}


@dataclass(frozen=True)
class Budget:
    method: str
    path: str
    time: str
    rows: str
    body: str
    other: str


def routes(app: FastAPI) -> list[tuple[str, str, BaseRoute]]:
    """Every (method, path, route) the app serves, included routers walked, HEAD left out (as GET)."""
    found: list[tuple[str, str, BaseRoute]] = []
    for route in _walk(app.routes):
        if isinstance(route, Mount):
            found.append(("GET", route.path + "/{file}", route))
        elif isinstance(route, Route | APIRoute):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                found.append((method, route.path, route))
    return found


def _walk(items: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    for route in items:
        inner = getattr(route, "original_router", None)  # FastAPI's wrapper of an included router
        if inner is not None:
            yield from _walk(inner.routes)
        else:
            yield route


def _query_names(route: BaseRoute) -> set[str]:
    if not isinstance(route, APIRoute):
        return set()
    return {p.alias or p.name for p in route.dependant.query_params}


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def budget(method: str, path: str, route: BaseRoute, settings: Settings) -> Budget:
    time = (f"{settings.request_seconds:g} s, then 503 + Retry-After" if has_deadline(method, path)
            else "not cut off (a write)")
    is_table = isinstance(route, APIRoute) and route.responses.get(200, {}).get("model") is TableDoc
    if path.startswith("/api/") and is_table:
        rows = f"{settings.api_max_limit:,} per page (`limit`, `offset`)"
    elif path.startswith("/api/"):
        rows = "one document"
    elif path in FILES or path.startswith("/static/"):
        rows = "one bundled file"
    elif method == "GET":
        rows = f"{settings.page_rows} per table shown (all in the download)"
    else:
        rows = "one page or redirect"
    if method == "GET":
        body = "not read"
    else:
        known, anonymous = body_limit(path, settings, False), body_limit(path, settings, True)
        body = _mb(known) if known == anonymous else f"{_mb(anonymous)} anonymous, {_mb(known)} known"
    other: list[str] = []
    names = _query_names(route)
    if {"from", "to"} & names:
        other.append(f"window ≤ {MAX_WINDOW_DAYS:,} days (1948–2100)")
    if "runs" in names:
        other.append(f"runs ≤ {limits.MAX_RUNS:,} ({limits.ANONYMOUS_MAX_RUNS:,} anonymous)")
    if path == "/api/v1/claims/check":
        other.append(f"text ≤ {limits.ANONYMOUS_CLAIMS_MAX_CHARS:,} characters anonymous")
    if path == "/claims" and method == "POST":
        other.append(f"text ≤ {limits.CLAIMS_FORM_MAX_CHARS:,} characters")
    if path in ("/api/v1/imports", "/data/upload"):
        other.append(f"file ≤ {settings.max_upload_mb:g} MB, then the ingest limits (docs/importers.md)")
    if method == "GET" and path in COMPUTED:
        other.append(f"fresh anonymous computations: {limits.ANONYMOUS_COMPUTATIONS} at once, "
                     f"≤ {limits.WAIT_SECONDS:g} s wait, then 429")
    return Budget(method, path, time, rows, body, "; ".join(other) or "—")


def budgets(app: FastAPI, settings: Settings | None = None) -> list[Budget]:
    chosen = settings or app.state.settings
    return [budget(method, path, route, chosen) for method, path, route in routes(app)]


def markdown(items: list[Budget]) -> str:
    lines = ["| Endpoint | Time | Rows per answer | Request body | Other bounds |", "|---|---|---|---|---|"]
    lines += [f"| `{b.method} {b.path}` | {b.time} | {b.rows} | {b.body} | {b.other} |" for b in items]
    return "\n".join(lines)


def main() -> None:
    from lifeline.api.app import create_app

    settings = Settings(db_url="sqlite://", warm=False, secret_key="budgets")
    print(markdown(budgets(create_app(settings), settings)))


if __name__ == "__main__":
    main()
