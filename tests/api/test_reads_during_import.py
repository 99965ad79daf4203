"""Reads while a big import runs (issue 15, item 3): a cached answer never waits for the import's
transaction, and after the import commits, readers of a stale answer share ONE recomputation.

The import is held open at its progress hook ("updating totals": its rows are written and, with the
bulk path, the table's keys and indexes dropped and rebuilt; nothing is committed yet), so the tests
assert what completes while it is open rather than how fast anything is.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lifeline.api import tables
from lifeline.formats import ResultTable
from lifeline.ingest import bulk
from lifeline.ingest.service import import_file
from lifeline.model import deliveries as deliveries_model
from lifeline.store.queries_web import data_version
from tests.web.helpers import Served, bearer, serve, unrwa_csv

URL = "/api/v1/deliveries"
PARAMS = {"by": "month"}
HOLD_AT = "updating totals"


class HeldImport:
    """An import in a thread, stopped at its progress hook until ``release``."""

    def __init__(self, served: Served, path: Path) -> None:
        self.held, self.go = threading.Event(), threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(served, path), daemon=True)

    def _hook(self, stage: str, _done: int, _total: int) -> None:
        if stage == HOLD_AT:
            self.held.set()
            self.go.wait(120)

    def _run(self, served: Served, path: Path) -> None:
        try:
            import_file(served.engine, path, imported_by="test", progress=self._hook)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.held.set()

    def __enter__(self) -> HeldImport:
        self.thread.start()
        assert self.held.wait(120) and self.error is None, self.error
        return self

    def release(self) -> None:
        self.go.set()
        self.thread.join(120)
        assert not self.thread.is_alive() and self.error is None, self.error

    def __exit__(self, *_exc: object) -> None:
        if self.thread.is_alive():
            self.release()


@pytest.fixture
def served(store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    # The bulk path (keys, indexes and, on PostgreSQL, foreign keys dropped and rebuilt in the import's
    # transaction) from a few hundred rows instead of 100,000, so a small file takes it.
    monkeypatch.setattr(bulk, "REINDEX_MIN_ROWS", 100)
    # A cache of this test's own: answers are keyed by data version, and each test's store has the same ones.
    monkeypatch.setattr(tables, "CACHE", tables.AnswerCache())
    s = serve(store, tmp_path)
    yield s
    s.client.close()


def _big_file(tmp_path: Path) -> Path:
    # Another series (so nothing is withdrawn), more rows than the store holds: the bulk path.
    return unrwa_csv(tmp_path / "partner-unrwa-copy-20240301.csv", days=150, first_id=5000)


def _expire_version(served: Served) -> None:
    """Make the server's data version due for a re-read (as a second after any request)."""
    served.app.state.version._read_at = 0.0


def test_a_cached_read_completes_while_an_import_holds_its_transaction(served: Served, tmp_path: Path) -> None:
    first = served.client.get(URL, params=PARAMS)
    viewer = served.client.get(URL, params=PARAMS, headers=bearer(served.viewer_token))
    assert first.status_code == 200 and viewer.headers.get("x-lifeline-cache") == "hit"
    with HeldImport(served, _big_file(tmp_path)) as running:
        for _ in range(3):  # each time the version is due: re-read in the background, the answer at once
            _expire_version(served)
            during = served.client.get(URL, params=PARAMS)
            assert during.status_code == 200 and during.headers.get("x-lifeline-cache") == "hit"
            assert during.json() == first.json()
            token_read = served.client.get(URL, params=PARAMS, headers=bearer(served.viewer_token))
            assert token_read.status_code == 200 and token_read.headers.get("x-lifeline-cache") == "hit"
        assert running.thread.is_alive() and not running.go.is_set()  # all of it inside the open transaction
        running.release()
    served.app.state.version.bump()
    after = served.client.get(URL, params=PARAMS)
    assert after.status_code == 200 and after.headers.get("x-lifeline-cache") == "stale"
    assert after.json() == first.json()  # the previous version, whole, and marked as such


def test_after_the_commit_concurrent_readers_of_a_stale_answer_cause_one_recomputation(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = served.client.get(URL, params=PARAMS)
    assert first.status_code == 200
    with HeldImport(served, _big_file(tmp_path)) as running:
        running.release()
    original = deliveries_model.delivery_table
    computed: list[int] = []
    gate = threading.Event()

    def counted(*args: Any, **kwargs: Any) -> ResultTable:
        computed.append(1)
        gate.wait(60)  # the recomputation is held: every reader below is answered meanwhile
        return original(*args, **kwargs)

    monkeypatch.setattr(deliveries_model, "delivery_table", counted)
    served.app.state.version.bump()
    answers: list[Any] = []

    def read() -> None:
        answers.append(served.client.get(URL, params=PARAMS))

    readers = [threading.Thread(target=read) for _ in range(8)]
    for r in readers:
        r.start()
    for r in readers:
        r.join(60)
    assert len(answers) == 8 and not gate.is_set()  # all answered while the one recomputation waits
    assert all(a.status_code == 200 and a.headers["x-lifeline-cache"] == "stale" for a in answers)
    assert all(a.json() == first.json() for a in answers)
    cache = served.app.state.response_cache
    assert cache.recomputed == 1
    gate.set()
    for _ in range(1200):
        if not cache.busy():
            break
        threading.Event().wait(0.05)
    fresh = served.client.get(URL, params=PARAMS)
    assert fresh.headers["x-lifeline-cache"] == "hit" and len(computed) == 1
    assert fresh.headers["x-lifeline-data-version"] != first.headers["x-lifeline-data-version"]
    assert fresh.json()["total"] >= first.json()["total"]


def test_pages_show_the_published_version_whole_while_one_recomputation_runs() -> None:
    """The answer cache's rule for pages: pinned to the published version while it is held; an answer not
    held at it makes the page start again at the live version; one revalidation for many readers."""
    cache = tables.AnswerCache()
    old, new = (1, 0, 5), (2, 0, 5)
    made: list[str] = []

    def make(label: str) -> Any:
        def build() -> ResultTable:
            made.append(label)
            return ResultTable(title=label, columns=[], rows=[])
        return build

    for q in ("a", "b"):
        cache.answer(q, old, make(f"{q}@old"))
    cache.published = old
    asked: list[int] = []
    cache.revalidate = lambda: asked.append(1)
    made.clear()

    def page(questions: tuple[str, ...]) -> tuple[list[str], tables.Pin]:
        pin = tables.Pin()
        token = tables.PIN.set(pin)
        try:
            return [cache.answer(q, new, make(f"{q}@new")).title for q in questions], pin
        finally:
            tables.PIN.reset(token)

    shown: list[list[str]] = []
    readers = [threading.Thread(target=lambda: shown.append(page(("a", "b"))[0])) for _ in range(8)]
    for r in readers:
        r.start()
    for r in readers:
        r.join(10)
    assert shown == [["a@old", "b@old"]] * 8 and made == [] and len(asked) == 8
    titles, pin = page(("a", "b"))
    assert pin.stale and pin.version == old and pin.made_at is not None
    with pytest.raises(tables.StaleVersion):  # "c" was never computed at the old version: no mixing
        page(("a", "c"))
    # The revalidation (a fresh pin) computes each answer once at the new version; then it is published.
    fresh = tables.Pin(fresh=True)
    token = tables.PIN.set(fresh)
    try:
        assert [cache.answer(q, new, make(f"{q}@new")).title for q in ("a", "b")] == ["a@new", "b@new"]
    finally:
        tables.PIN.reset(token)
    cache.published = fresh.version
    assert page(("a", "b"))[0] == ["a@new", "b@new"] and made == ["a@new", "b@new"]


def test_the_overview_shows_the_previous_version_whole_and_says_so(served: Served, tmp_path: Path) -> None:
    """After an import, a warmed page is built from the published version (every answer of it) and
    carries the banner naming when its figures were computed; the one recomputation is asked for."""
    first = served.client.get("/")
    assert first.status_code == 200 and 'id="stale-banner"' not in first.text
    with served.engine.connect() as conn:
        published = data_version(conn)
    asked: list[int] = []
    tables.CACHE.published, tables.CACHE.revalidate = published, lambda: asked.append(1)
    # Another series within the dates already held (the page's window, hence its questions, stay the same).
    import_file(served.engine, unrwa_csv(tmp_path / "partner-unrwa-copy-20240102.csv", days=2, first_id=900,
                                         start=date(2024, 1, 2)), imported_by="test")
    computed = tables.CACHE.computed
    stale = served.client.get("/")
    assert stale.status_code == 200 and 'id="stale-banner"' in stale.text and asked
    assert tables.CACHE.computed == computed  # nothing recomputed for the visitor: all of it the previous version
    tables.CACHE.published = None  # as after the recomputation: the live version
    fresh = served.client.get("/")
    assert fresh.status_code == 200 and 'id="stale-banner"' not in fresh.text
