"""Whole answers cached in one process never cross stores (issue 15): the answer cache's key holds the
store's identity (engine URL and the store's own id), not just its data version, so two stores with the
same data version (one import each) answer the same question with their own figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from lifeline.api import tables
from lifeline.store.engine import open_store
from lifeline.store.identity import identity
from lifeline.store.queries_web import data_version
from tests.web.helpers import serve, unrwa_csv


@pytest.fixture(autouse=True)
def own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "CACHE", tables.AnswerCache())  # this test's own, shared by both apps


def _total(client, url: str) -> float:  # type: ignore[no-untyped-def]
    body = client.get(url).json()
    return sum(r["consignments"] or 0 for r in body["rows"])


def test_two_stores_served_by_one_process_answer_their_own_figures(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    small = open_store(f"sqlite:///{tmp_path / 'a' / 'store.db'}")
    big = open_store(f"sqlite:///{tmp_path / 'b' / 'store.db'}")
    one = serve(small, tmp_path / "a", data=False)
    other = serve(big, tmp_path / "b", data=False)
    from lifeline.ingest.service import import_file

    import_file(small, unrwa_csv(tmp_path / "a" / "unrwa-commodities-received-20240201.csv", days=2), imported_by="t")
    import_file(big, unrwa_csv(tmp_path / "b" / "unrwa-commodities-received-20240201.csv", days=9), imported_by="t")
    with small.connect() as a, big.connect() as b:
        assert data_version(a) == data_version(b)  # the same numbers: the version alone cannot tell them apart
        assert identity(a) != identity(b)
    for url in ("/api/v1/deliveries?by=month", "/api/v1/deliveries?by=day&group=crossing"):
        first, second = _total(one.client, url), _total(other.client, url)
        assert (first, second) == (4, 18), url  # 2 days x 2 crossings; 9 days x 2 crossings
        assert _total(one.client, url) == 4 and _total(other.client, url) == 18  # and again, from the cache
    assert tables.CACHE.computed == 4  # each store's answer computed once, then kept apart
    for served, engine in ((one, small), (other, big)):  # the whole answers too, each under its store
        with engine.connect() as conn:
            store = identity(conn)
        keys = list(served.app.state.response_cache._items)
        assert keys and {k[0] for k in keys} == {store}
    for served in (one, other):
        served.client.close()
        served.engine.dispose()


def test_a_store_made_again_at_the_same_url_is_another_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = open_store(url)
    with first.connect() as conn:
        before = identity(conn)
        assert before.startswith(url + "#")
    first.dispose()
    (tmp_path / "store.db").unlink()
    again = open_store(url)
    with again.connect() as conn:
        assert identity(conn) != before
        assert conn.execute(text("SELECT count(*) FROM store_identity")).scalar_one() == 1
    again.dispose()


def test_the_same_question_and_version_for_two_stores_are_two_answers() -> None:
    cache = tables.AnswerCache()
    made: list[str] = []

    def make(name: str):  # type: ignore[no-untyped-def]
        def run():  # type: ignore[no-untyped-def]
            made.append(name)
            return tables.ResultTable(title=name, columns=[], rows=[])
        return run

    version = (1, 0, 0)
    assert cache.answer("q", version, make("a"), store="sqlite:///a.db#1").title == "a"
    assert cache.answer("q", version, make("b"), store="sqlite:///b.db#2").title == "b"
    assert cache.answer("q", version, make("x"), store="sqlite:///a.db#1").title == "a"
    assert made == ["a", "b"]
