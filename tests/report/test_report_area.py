"""The sitrep's title and area line name the report's own context, or no place at all: never Gaza for a
crisis elsewhere (tests/contexts/crisis/jebel-amar) or for a store that holds no places."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from lifeline.model import contexts
from lifeline.report.build import build
from tests.alerts import data
from tests.contexts.test_crisis_faces import FILES, FOLDER

D0 = date(2024, 5, 1)
GAZA = ("Gaza", "غزة")


@pytest.fixture(scope="module")
def amar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from lifeline.store.engine import open_store

    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('amar-area') / 'lifeline.db'}")
    for name in FILES:
        import_file(engine, FOLDER / name)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_crisis_report_names_its_own_whole_area(amar: Engine, lang: str) -> None:
    with amar.connect() as conn:
        ctx = contexts.scope(conn, None).context
        report = build(conn, date(2025, 4, 1), date(2025, 4, 30), lang=lang, runs=1)
    assert ctx is not None and ctx.code == "XJ"
    name = (ctx.name_ar if lang == "ar" else None) or ctx.name_en
    assert report.area == ("كامل " if lang == "ar" else "whole ") + name
    assert name in report.title
    assert not [g for g in GAZA if g in report.area + report.title]


@pytest.mark.parametrize(("lang", "area"), [("en", "all areas"), ("ar", "جميع المناطق")])
def test_a_store_without_places_says_all_areas(sqlite_store: Engine, lang: str, area: str) -> None:
    with sqlite_store.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(conn, ds, "un-list", data.every_day(D0, 10, "kerem-shalom", 7))
    with sqlite_store.connect() as conn:
        assert contexts.scope(conn, None).context is None
        report = build(conn, D0, D0 + timedelta(days=9), lang=lang, runs=1)
    assert report.area == area
    assert not [g for g in GAZA if g in report.area + report.title]
