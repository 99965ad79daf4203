"""A write whose credential ends while it runs does not commit: the import is held at a hook inside the
server, the token is revoked (or the session ended) meanwhile, the import is released and refused with
401, audited, and the store is as it was. Real uvicorn on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select

from lifeline.accounts import end_sessions, revoke_token, set_password
from lifeline.api import uploads
from lifeline.store.tables_accounts import audit_log
from tests.api.live import live
from tests.cli.helpers import snapshot
from tests.web.helpers import PASSWORD, Served, bearer, unrwa_csv
from tests.web.test_pages import csrf_of

# Tables a revocation, a logout or the refusal's own audit entry change; everything else must not move.
ACCOUNT_TABLES = {"audit_log", "api_tokens", "users"}


def _data(engine: Engine) -> dict[str, Any]:
    return {k: v for k, v in snapshot(engine).items() if k not in ACCOUNT_TABLES}


@contextmanager
def _held(monkeypatch: pytest.MonkeyPatch, where: str) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Hold the server's import at ``where``: "before" its rows are written (inside the write's
    transaction, before the first statement) or "after" (rows written, not committed)."""
    reached, release = threading.Event(), threading.Event()
    real = uploads.store

    def holding_store(*args: Any, **kwargs: Any) -> Any:
        if where == "before" and not kwargs.get("dry_run"):
            reached.set()
            assert release.wait(60)
        report = real(*args, **kwargs)
        if where == "after" and not kwargs.get("dry_run"):
            reached.set()
            assert release.wait(60)
        return report

    monkeypatch.setattr(uploads, "store", holding_store)
    yield reached, release
    release.set()


def _upload_in_background(client: httpx.Client, path: Path,
                          headers: dict[str, str]) -> tuple[threading.Thread, list[httpx.Response]]:
    answers: list[httpx.Response] = []

    def run() -> None:
        with path.open("rb") as fh:
            answers.append(client.post("/api/v1/imports", files={"file": (path.name, fh, "text/csv")}, headers=headers))

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answers


def _refusals(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.action == "import-refused")).all()
    return [dict(r._mapping) for r in rows]


def _browser(client: httpx.Client, name: str = "ed") -> dict[str, str]:
    """Log ``client`` in through the form; the CSRF header its API writes must carry."""
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "/data"})
    assert r.status_code == 303, r.text[:300]
    return {"x-csrf-token": csrf_of(client.get("/data").text)}


def _check_refused(served: Served, answer: httpx.Response, before: dict[str, Any], reason: str) -> None:
    assert answer.status_code == 401, answer.text[:300]
    assert reason in answer.json()["error"] and "nothing was written" in answer.json()["error"]
    assert _data(served.engine) == before  # no dataset, no row, no revision
    refused = _refusals(served.engine)
    assert len(refused) == 1 and reason in refused[0]["detail"]["error"] and refused[0]["user_name"] == "ed"


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_token_revoked_while_its_import_runs_commits_nothing(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "after" and served.engine.dialect.name == "sqlite":
        pytest.skip("on SQLite the import holds the one write lock: a revocation waits for its commit")
    path = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", days=3, start=date(2024, 3, 1))
    before = _data(served.engine)
    with _held(monkeypatch, where) as (reached, release), live(served.app) as url, \
            httpx.Client(base_url=url, timeout=60) as client:
        thread, answers = _upload_in_background(client, path, bearer(served.editor_token))
        assert reached.wait(60), "the import never reached the hook"
        with served.engine.begin() as conn:
            assert revoke_token(conn, served.editor_token)
        release.set()
        thread.join(60)
    _check_refused(served, answers[0], before, "the API token was revoked")


@pytest.mark.parametrize("ending", ["password change", "logout"])
def test_a_session_ended_while_its_import_runs_commits_nothing(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    path = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", days=3, start=date(2024, 3, 1))
    before = _data(served.engine)
    with _held(monkeypatch, "before") as (reached, release), live(served.app) as url, \
            httpx.Client(base_url=url, timeout=60, follow_redirects=False) as client:
        csrf = _browser(client)
        thread, answers = _upload_in_background(client, path, csrf)
        assert reached.wait(60), "the import never reached the hook"
        with served.engine.begin() as conn:  # as `lifeline users passwd` or a logout in another browser does
            if ending == "password change":
                set_password(conn, "ed", "another good password")
            else:
                end_sessions(conn, "ed")
        release.set()
        thread.join(60)
    _check_refused(served, answers[0], before, "the session ended")


def test_the_same_import_with_a_standing_token_commits(served: Served, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: held and released without a revocation, the import is stored (the hook is no refusal)."""
    path = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", days=3, start=date(2024, 3, 1))
    before = _data(served.engine)
    with _held(monkeypatch, "before") as (reached, release), live(served.app) as url, \
            httpx.Client(base_url=url, timeout=60) as client:
        thread, answers = _upload_in_background(client, path, bearer(served.editor_token))
        assert reached.wait(60)
        release.set()
        thread.join(60)
    assert answers[0].status_code == 201, answers[0].text[:300]
    assert _data(served.engine) != before and not _refusals(served.engine)


def test_an_acknowledgement_by_a_demoted_editor_is_refused(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    """Acknowledgements and reference loads confirm the credential in their transaction too (auth.write)."""
    from sqlalchemy import update

    from lifeline.api import auth
    from lifeline.store.tables_accounts import users

    real = auth.credential

    def demoted_meanwhile(request: Any) -> Any:
        with served.engine.begin() as conn:
            conn.execute(update(users).where(users.c.name == "ad").values(role="viewer"))
        return real(request)

    monkeypatch.setattr(auth, "credential", demoted_meanwhile)
    before = _data(served.engine)
    r = served.client.post("/api/v1/reference/load", headers=bearer(served.admin_token))
    assert r.status_code == 401 and "now a viewer" in r.json()["error"], r.text[:300]
    assert _data(served.engine) == before
    with served.engine.connect() as conn:
        actions = [(a.action, a.detail.get("write")) for a in conn.execute(select(audit_log))
                   if a.action == "write-refused"]
    assert actions == [("write-refused", "reference-load")]
