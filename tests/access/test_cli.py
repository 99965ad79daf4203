"""The access, sources and series commands as a user runs them: one JSON document, one-line errors."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.cli.app import run


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def lifeline(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the console entry point in-process (its error handling included) and capture its output."""

    def call(db: str, *args: str) -> Ran:
        monkeypatch.setattr(sys, "argv", ["lifeline", "--db", db, *args])
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return call


@pytest.fixture(scope="module")
def db(real_with_reference: Engine) -> str:
    return real_with_reference.url.render_as_string(hide_password=False)


def test_sources_compare_json(db: str, lifeline) -> None:
    out = lifeline(db, "sources", "compare", "--to", "2024-05-05", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    total = doc["rows"][-1]
    assert total["period"] == "total" and total["ratio_COGAT"] == pytest.approx(1.14, abs=0.01)
    assert any("trucks crossing" in n for n in doc["notes"])
    assert {s["publisher"] for s in doc["sources"]} == {"UNRWA", "COGAT"}


def test_series_json_and_hxl(db: str, lifeline) -> None:
    out = lifeline(db, "series", "--indicator", "displaced_from_area", "--area", "PS-RFH", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert [r["period_end"] for r in rows] == ["2024-05-10", "2024-05-14", "2024-05-19", "2024-06-01"]
    hxl = lifeline(db, "series", "--indicator", "hospitals_partially_functioning", "--format", "hxl")
    lines = hxl.stdout.splitlines()
    assert lines[1].startswith("#loc+code,#date+start,#date+end")
    assert len(lines) == 4  # header, hashtags, Feb 2024 (15), 22 May 2024 (12)


def test_access_closures_and_throughput_csv(db: str, lifeline) -> None:
    out = lifeline(db, "access", "--show", "closures", "--from", "2024-05-01", "--to", "2024-05-31", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert "kerem-shalom,closed,2024-05-05,2024-05-07,3,False" in out.stdout
    june = ("--from", "2024-06-01", "--to", "2024-06-30")
    tp = lifeline(db, "access", "--show", "throughput", *june, "--format", "json")
    rows = json.loads(tp.stdout)["rows"]
    assert {r["source"] for r in rows} == {"UNRWA", "COGAT"} and all(r["days"] == 30 for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("access", "--from", "2024-13-01"), "--from expects a date as YYYY-MM-DD"),
        (("access", "--crossing", "atlantis"), "unknown crossing 'atlantis'"),
        (("access", "--from", "2024-06-01", "--to", "2024-05-01"), "is after --to"),
        (("sources", "compare", "--category", "toys"), "unknown category 'toys'"),
        (("series", "--indicator", "rainfall"), "no observations of indicator 'rainfall'"),
    ],
)
def test_bad_input_is_one_line_and_status_2(db: str, lifeline, args: tuple[str, ...], message: str) -> None:
    out = lifeline(db, *args)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1 and message in out.stderr


def test_empty_store_says_what_to_do(tmp_path: Path, lifeline) -> None:
    out = lifeline(f"sqlite:///{tmp_path / 'empty.db'}", "access")
    assert out.returncode == 2 and "lifeline reference load" in out.stderr


def test_one_day_view(db: str, lifeline) -> None:  # type: ignore[no-untyped-def]
    out = lifeline(db, "access", "--day", "2024-05-12", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {r["crossing"]: r for r in json.loads(out.stdout)["rows"]}
    assert (rows["western-erez"]["status"], rows["rafah"]["status"], rows["kerem-shalom"]["status"]) == (
        "open", "closed", "restricted")
    assert rows["western-erez"]["sources"]["UNRWA"]["consignments"] == 43
    assert rows["route:land"]["sources"]["COGAT"]["consignments"] == 64



@pytest.mark.parametrize("command", [
    ("access",), ("deliveries",), ("coverage",), ("sources", "compare"), ("alerts", "list"),
    ("report", "--output", "never-written.pdf"),
])
def test_a_reversed_window_is_one_line_and_status_2_on_every_command(
    db: str, lifeline, command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the API answers 400: --from after --to is refused, never an empty table with status 0."""
    monkeypatch.chdir(tmp_path)
    out = lifeline(db, *command, "--from", "2024-06-01", "--to", "2024-05-01")
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and "--from 2024-06-01 is after --to 2024-05-01" in out.stderr
    assert not (tmp_path / "never-written.pdf").exists()
