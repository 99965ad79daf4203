"""The notes under access answers are the context's own: its baseline's date, the publishers of the lists in
the answer. A crisis set up from its own files (Wadi Sahm, tests/contexts/crisis/wadi-sahm/) shows no Gaza
date, crossing or publisher on the CLI or the API; Gaza with both real lists keeps its notes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from lifeline.i18n.wording import prose
from lifeline.model import access

SAHM = Path(__file__).resolve().parents[1] / "contexts" / "crisis" / "wadi-sahm"
WINDOW = ("2025-05-01", "2025-05-10")
GAZA_WORDING = ("Gaza", "UNRWA", "COGAT", "7 October", "Rafah", "Kerem", "reference load", "2023-10-06")


def _cli(db: str, *args: str) -> str:
    from lifeline.cli.app import app

    result = CliRunner().invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def sahm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from lifeline.store.engine import open_store

    db = f"sqlite:///{tmp_path_factory.mktemp('sahm-notes') / 'sahm.db'}"
    _cli(db, "context", "init", str(SAHM))
    engine = open_store(db)
    yield engine
    engine.dispose()


def _leaks(text: str) -> list[str]:
    return [w for w in GAZA_WORDING if w in text]


@pytest.mark.parametrize("show", ["timeline", "closures", "throughput"])
def test_a_context_access_answer_on_the_cli_has_no_gaza_wording(sahm: Engine, show: str) -> None:
    db = sahm.url.render_as_string(hide_password=False)
    out = _cli(db, "access", "--show", show, "--from", WINDOW[0], "--to", WINDOW[1], "--format", "json")
    answer = json.loads(out)
    assert answer["rows"] or show == "closures", out  # the context reports no closure
    assert not _leaks(json.dumps(answer["notes"]) + json.dumps(answer["sources"])), answer["notes"]


def test_a_context_throughput_names_its_own_publishers_on_cli_and_api(
    sahm: Engine, tmp_path: Path
) -> None:
    from tests.web.helpers import serve

    served = serve(sahm, tmp_path, data=False)
    try:
        query = f"date_from={WINDOW[0]}&date_to={WINDOW[1]}"
        api = {path: served.client.get(f"/api/v1/{path}?{query}").json()
               for path in ("access", "access/closures", "access/throughput")}
    finally:
        served.client.close()
    for path, got in api.items():
        assert "notes" in got, (path, got)
        assert not _leaks(json.dumps(got["notes"])), (path, got["notes"])
    notes = api["access/throughput"]["notes"]
    # two lists of the context in the answer: the reminder names them, not UNRWA and COGAT
    compare = [n for n in notes if "may count different things" in n]
    assert len(compare) == 1 and "Wadi Sahm monitoring cell" in compare[0] and "traders" in compare[0]
    # no baseline stored for the context: said so, with no Gaza date or a hint to load Gaza's reference set
    assert any("no pre-war baseline is stored for context 'XW'" in n for n in notes), notes
    assert not [n for n in notes if n.startswith("pre-war baseline: the level")]
    with sahm.connect() as conn:
        assert access.throughput(conn, date(2025, 5, 1), date(2025, 5, 10)).notes == notes


def test_notes_follow_the_baseline_row_and_the_lists_shown() -> None:
    assert access.baseline_period_note(None) == []
    assert access.baseline_period_note({"date": date(2019, 3, 1), "period_end": None}) == [
        "pre-war baseline: the level on 2019-03-01, shown for comparison, not a current need"]
    assert access.baseline_period_note({"date": date(2019, 1, 1), "period_end": date(2019, 12, 31)}) == [
        "pre-war baseline: the level from 2019-01-01 to 2019-12-31, shown for comparison, not a current need"]
    assert access.publishers_note(["WFP"]) == []
    assert access.publishers_note([]) == []
    assert access.publishers_note(["COGAT", "UNRWA"])[0].startswith("UNRWA and COGAT count different things")
    other = access.publishers_note(["Relief committee", "WFP"])
    assert other == ["the lists of Relief committee, WFP may count different things; compare them with "
                     "`lifeline sources compare`"]
    assert not _leaks(other[0])


@pytest.mark.parametrize("note", [
    "pre-war baseline: the level on 2019-03-01, shown for comparison, not a current need",
    "pre-war baseline: the level from 2019-01-01 to 2019-12-31, shown for comparison, not a current need",
    "the lists of Relief committee, WFP may count different things; compare them with `lifeline sources compare`",
    "nothing to show: no deliveries and no crossing status events are stored for context 'XW' "
    "(import its files with `lifeline import`)",
])
def test_the_changed_notes_are_said_in_arabic(note: str) -> None:
    said = prose("ar", note)
    assert said != note and not [w for w in ("level", "shown", "lists of", "different", "stored") if w in said]


def test_gaza_with_both_lists_keeps_its_notes(real_with_reference: Engine) -> None:
    with real_with_reference.connect() as conn:
        notes = access.throughput(conn, date(2024, 5, 1), date(2024, 5, 31)).notes
    assert "pre-war baseline: the level on 2023-10-06, shown for comparison, not a current need" in notes
    assert any(n.startswith("UNRWA and COGAT count different things") for n in notes)


def test_the_key_figures_note_names_no_gaza_list_in_another_context(sahm: Engine) -> None:
    from lifeline.model import key_figures

    cell = "Wadi Sahm monitoring cell (fictional test data) - not real figures; compiled for Lifeline's tests"
    with sahm.connect() as conn:
        notes = key_figures.key_figures(conn, date(2025, 5, 1), date(2025, 5, 10), source=cell).notes
    assert notes and not _leaks(" ".join(notes)), notes
    assert "another publisher's list may record the same trucks" in " ".join(notes)
    assert key_figures._same_trucks("UNRWA").startswith("UNRWA and COGAT")


def test_reported_figures_notes_are_the_context_checks(sahm: Engine, real_with_reference: Engine) -> None:
    from lifeline.model import sources_compare

    with sahm.connect() as conn:
        own = sources_compare.reported_vs_recorded(conn).notes
    assert own and not _leaks(" ".join(own)) and "JLOTS" not in " ".join(own), own
    with real_with_reference.connect() as conn:
        gaza = " ".join(sources_compare.reported_vs_recorded(conn).notes)
    assert "JLOTS pier" in gaza and "(COGAT land rows)" in gaza
