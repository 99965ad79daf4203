"""The bundled reference set: every row cited, codes consistent with the rules, loads cleanly and
idempotently through the HXL importer on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from lifeline.assumptions import load_set
from lifeline.reference.load import files, load_all
from lifeline.store import queries_access, schema

CITATION = ("#meta+source", "#meta+title", "#meta+url", "#date+reported")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        _header, tags = next(reader), next(reader)
        return tags, [dict(zip(tags, row, strict=True)) for row in reader]


def test_every_kind_is_shipped() -> None:
    kinds = [p.name.removeprefix("lifeline-reference-").removesuffix(".csv") for p in files()]
    assert kinds[0] == "locations"
    assert {"population", "displacement", "crossing-status", "facilities", "needs", "averages"} <= set(kinds)


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_every_row_cites_publisher_title_url_and_date(path: Path) -> None:
    tags, rows = _rows(path)
    assert set(CITATION) <= set(tags) and "#meta+note" in tags
    assert rows
    for i, row in enumerate(rows, start=3):
        for tag in CITATION:
            assert row[tag].strip(), f"{path.name} row {i}: empty {tag}"
        assert row["#meta+url"].startswith(("https://", "http://")), f"{path.name} row {i}"
        reported = row["#date+reported"]
        assert len(reported) in (4, 7, 10) and reported[:4].isdigit(), f"{path.name} row {i}: {reported}"
    ids = [r.get("#meta+id") or r.get("#loc+code") for r in rows]
    assert len(ids) == len(set(ids)), f"{path.name}: row ids repeat"


def test_unverified_figures_are_flagged() -> None:
    """Figures domain.md marks unverified say so in their note (never shown as verified)."""
    _, locations = _rows(files()[0])
    by_code = {r["#loc+code"]: r for r in locations}
    for code in ("PS-NGZ", "PS-KYS", "PS-RFH", "rafah", "western-erez", "gate-96", "kissufim", "jlots"):
        assert "UNVERIFIED" in by_code[code]["#meta+note"], code
    for code in ("PS-GZA", "PS-DEB", "kerem-shalom", "erez"):
        assert "UNVERIFIED" not in by_code[code]["#meta+note"], code


def test_codes_match_the_normalisation_rules() -> None:
    crossings = set(load_set("normalisation").tables["crossings"])
    _, locations = _rows(files()[0])
    by_type: dict[str, set[str]] = {}
    for r in locations:
        by_type.setdefault(r["#loc+type"], set()).add(r["#loc+code"])
    assert by_type["governorate"] == {"PS-NGZ", "PS-GZA", "PS-DEB", "PS-KYS", "PS-RFH"}
    assert by_type["crossing"] | by_type["sea-route"] | by_type["air-route"] == crossings
    known = {r["#loc+code"] for r in locations}
    for path in files()[1:]:
        _, rows = _rows(path)
        assert {r["#loc+code"] for r in rows} <= known, path.name
    _, events = _rows(next(p for p in files() if "crossing-status" in p.name))
    assert {r["#status"] for r in events} <= {"open", "closed", "restricted"}


def test_loads_cleanly_and_idempotently(store: Engine) -> None:
    first = load_all(store)
    assert [r.status for r in first] == ["imported"] * len(first)
    assert all(r.rows_rejected == 0 and r.rows_read == r.rows_imported for r in first)
    again = load_all(store)
    assert [r.status for r in again] == ["unchanged"] * len(again)
    with store.connect() as conn:
        obs = queries_access.observations(conn)
        assert len(obs) == sum(r.rows_imported for r in first[1:])
        assert all(o["cited_publisher"] and o["cited_url"] and o["cited_date"] for o in obs)
        codes = set(conn.execute(select(schema.locations.c.code)).scalars())
        assert {"PS-RFH", "gaza-north", "kerem-shalom", "jlots"} <= codes
        rafah = [o for o in obs if o["indicator"] == "displaced_from_area" and o["location"] == "PS-RFH"]
        assert [(o["period_end"], o["value"]) for o in rafah] == [
            (date(2024, 5, 10), 100000), (date(2024, 5, 14), 450000), (date(2024, 5, 19), 800000),
            (date(2024, 6, 1), 1000000)]


def test_cli_reference_load(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from lifeline.cli.app import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(app, ["--db", url, "reference", "load", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert len(doc["rows"]) == len(files()) and {r["status"] for r in doc["rows"]} == {"imported"}
    again = json.loads(CliRunner().invoke(app, ["--db", url, "reference", "load", "--format", "json"]).output)
    assert {r["status"] for r in again["rows"]} == {"unchanged"}


def _observations() -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for path in files()[1:]:
        out += _rows(path)[1]
    return out


@pytest.mark.parametrize(
    ("indicator", "location", "start", "end", "value"),
    [
        ("population", "PS-RFH", "2024-05-06", "", "1400000"),
        ("population", "PS-NGZ", "2023-10-06", "", "448000"),
        ("population", "PS-GZA", "2023-10-06", "", "754000"),
        ("population", "gaza-north", "2024-03-15", "", "250000"),
        ("displaced_from_area", "PS-RFH", "2024-05-06", "2024-05-10", "100000"),
        ("displaced_from_area", "PS-RFH", "2024-05-06", "2024-05-14", "450000"),
        ("displaced_from_area", "PS-RFH", "2024-05-06", "2024-05-19", "800000"),
        ("displaced_from_area", "PS-RFH", "2024-05-06", "2024-06-01", "1000000"),
        ("hospitals_partially_functioning", "gaza-strip", "2024-05-22", "", "12"),
        ("hospitals_total", "gaza-strip", "2024-05-22", "", "36"),
        ("trucks_per_day_prewar", "gaza-strip", "2023-10-06", "", "500"),
        ("food_trucks_per_day_prewar", "gaza-strip", "2023-10-06", "", "70"),
        ("aid_trucks_per_day", "gaza-strip", "2024-04-01", "2024-05-06", "176"),
        ("aid_trucks_per_day", "gaza-strip", "2024-05-07", "2024-05-28", "58"),
    ],
)
def test_the_issue_figures_are_in_the_set(indicator: str, location: str, start: str, end: str, value: str) -> None:
    found = [r for r in _observations() if (r["#indicator+code"], r["#loc+code"], r["#date+start"], r["#date+end"])
             == (indicator, location, start, end)]
    assert found and {r["#indicator+num"] for r in found} == {value}


def test_the_may_2024_status_events_are_in_the_set() -> None:
    _, events = _rows(next(p for p in files() if "crossing-status" in p.name))
    got = {(r["#loc+code"], r["#date+start"], r["#status"]) for r in events}
    assert {("kerem-shalom", "2024-05-05", "closed"), ("kerem-shalom", "2024-05-08", "restricted"),
            ("rafah", "2024-05-07", "closed"), ("erez", "2024-05-09", "closed"),
            ("western-erez", "2024-05-12", "open"), ("jlots", "2024-05-17", "open")} <= got


def test_an_edited_reference_row_becomes_a_revision(sqlite_store: Engine, tmp_path: Path) -> None:
    """The set is versioned like any import: a corrected figure is a change with the old value kept."""
    from lifeline.reference.load import load_file

    load_all(sqlite_store)
    original = next(p for p in files() if "facilities" in p.name)
    edited = tmp_path / original.name
    edited.write_text(original.read_text(encoding="utf-8").replace(
        "hosp-partial-2024-05-22,hospitals_partially_functioning,gaza-strip,2024-05-22,,12,",
        "hosp-partial-2024-05-22,hospitals_partially_functioning,gaza-strip,2024-05-22,,13,"), encoding="utf-8")
    report = load_file(sqlite_store, edited)
    assert (report.status, report.rows_changed, report.rows_unchanged) == ("updated", 1, report.rows_read - 1)
    with sqlite_store.connect() as conn:
        (revision,) = conn.execute(select(schema.revisions.c.old_values, schema.revisions.c.new_values)).all()
    assert (revision.old_values["value"], revision.new_values["value"]) == (12.0, 13.0)
