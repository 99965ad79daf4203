"""Held-out set 2: statements the claims checker has never seen, scored through the public CLI.

The statements, their expected readings, each source's expected figure and the working behind every
verdict are in statements.toml, written from docs/claims.md and ../shared/data only (not from the code).
The test never fails on a miss: it prints a table of hits and misses and asserts only that the reading
rate and verdict accuracy stay at or above the floors measured when the set was written.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
STATEMENTS = HERE / "statements.toml"

# Measured on this branch when the set was written (see the report printed with -s).
READING_FLOOR = 1.00  # 34 of 34 expected readings (24 when the set was written, 30 after the first fixes)
VERDICT_FLOOR = 0.97  # 33 of 34 expected verdicts (23, then 29); the miss is the coverage engine's kcal for the north

ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


@dataclass
class Score:
    statement: str
    item: str
    expected: str
    got: str
    reading_ok: bool
    verdict_ok: bool


def _digits(text: str) -> str:
    return re.sub(r"[,٬\s]", "", text.translate(ARABIC_INDIC))


@pytest.fixture
def store(heldout_store: str) -> str:
    """The demo store of every held-out set (tests/claims/conftest.py), built once."""
    return heldout_store


def _check(db: str, statement: dict[str, Any]) -> dict[str, Any]:
    """``lifeline claims check - --format json`` on the statement, in this process (the same command a user
    runs; a process per statement cost about a second each)."""
    from typer.testing import CliRunner

    from lifeline.cli.app import app

    args = ["--db", db, "claims", "check", "-", "--format", "json"]
    if statement["date"]:
        args += ["--date", statement["date"]]
    done = CliRunner().invoke(app, args, input=statement["text"])
    assert done.exit_code == 0, f"{statement['id']}: exit {done.exit_code}: {done.output.strip()}"
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _describe(claim: dict[str, Any]) -> str:
    reading = claim.get("reading", {})
    period = reading.get("period") or claim.get("date") or {}
    values = ", ".join(f"{s['source']}={s['value']}({s['verdict']})" for s in claim.get("sources", []))
    return (
        f"{claim.get('figure')!r} {claim.get('indicator')} {period.get('from')}..{period.get('to')} "
        f"{claim.get('area')} -> {claim.get('verdict')} [{values}]"
    )


def _same_figure(claim: dict[str, Any], figure: object) -> bool:
    value = claim.get("value")
    if isinstance(figure, str):
        return str(value).lower() == figure
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return abs(float(value) - float(figure)) <= 0.005 * max(1.0, abs(float(figure)))  # type: ignore[arg-type]


def _score_claim(sid: str, expected: dict[str, Any], result: dict[str, Any]) -> Score:
    figure = expected["figure"]
    label = f"{figure} {expected['indicator']}"
    span = "..".join(expected["period"])
    want = f"{expected['indicator']} {span} {'/'.join(expected['place'])} -> {expected['verdict']}"
    text = expected.get("figure_text")  # a vague word ("hundreds") is matched by its words, not a value
    judged = [c for c in result["claims"] if (text in str(c.get("figure", "")) if text else _same_figure(c, figure))]
    others = "; ".join(_describe(c) for c in result["claims"] if c not in judged)
    judged_instead = f"; judged instead: {others}" if others else ""
    if expected["verdict"] == "not checkable":
        listed = [n for n in result["not_checkable"] if _digits(str(figure)) in _digits(str(n.get("figure", "")))]
        ok = bool(listed) and not judged
        got = (
            f"not checkable: {listed[0].get('reason')}"
            if listed
            else (_describe(judged[0]) if judged else "figure not listed")
        )
        return Score(sid, label, want, got, ok, ok)
    candidates = [c for c in judged if c.get("indicator") == expected["indicator"]] or judged
    if not candidates:
        listed = [n for n in result["not_checkable"] if _digits(str(figure)) in _digits(str(n.get("figure", "")))]
        got = f"not checkable: {listed[0].get('reason')}" if listed else "figure not read"
        return Score(sid, label, want, got + judged_instead, False, False)
    claim = candidates[0]
    reading = claim.get("reading", {})
    period = reading.get("period") or claim.get("date") or {}
    area_text = f"{claim.get('area', '')} {claim.get('area_name', '')}".lower()
    reading_ok = (
        claim.get("indicator") == expected["indicator"]
        and (not expected["period"] or [period.get("from"), period.get("to")] == expected["period"])
        and (not expected["place"] or any(word in area_text for word in expected["place"]))
    )
    verdict_ok = reading_ok and claim.get("verdict") == expected["verdict"]
    return Score(sid, label, want, _describe(claim), reading_ok, verdict_ok)


def _score_statement(statement: dict[str, Any], result: dict[str, Any]) -> list[Score]:
    sid = statement["id"]
    if statement.get("no_claim"):
        ok = not result["claims"]
        got = "no claim judged" if ok else "; ".join(_describe(c) for c in result["claims"])
        return [Score(sid, "(no claim)", "nothing judged", got, ok, ok)]
    return [_score_claim(sid, expected, result) for expected in statement["claims"]]


def _table(scores: list[Score]) -> str:
    lines = [f"{'statement':34} {'item':28} {'read':5} {'verdict':7}  expected | checker"]
    for s in scores:
        mark = ("hit" if s.reading_ok else "MISS", "hit" if s.verdict_ok else "MISS")
        lines.append(f"{s.statement:34} {s.item:28} {mark[0]:5} {mark[1]:7}  {s.expected} | {s.got}")
    return "\n".join(lines)


def test_statements_file_is_well_formed() -> None:
    statements = tomllib.loads(STATEMENTS.read_text(encoding="utf-8"))["statement"]
    langs = [s["lang"] for s in statements]
    assert len(statements) >= 20 and langs.count("en") >= 12 and langs.count("ar") >= 8
    assert sum(1 for s in statements if s.get("no_claim")) >= 3
    for s in statements:
        for claim in s.get("claims", []):
            assert {
                "figure",
                "indicator",
                "period",
                "place",
                "unit",
                "sources",
                "tolerance",
                "verdict",
                "working",
            } <= set(claim), s["id"]


@pytest.mark.slow  # the CLI on every statement, against the demo store over ../shared/data
def test_heldout2_reading_rate(store: str) -> None:
    statements = tomllib.loads(STATEMENTS.read_text(encoding="utf-8"))["statement"]
    scores = [score for s in statements for score in _score_statement(s, _check(store, s))]
    reading = sum(s.reading_ok for s in scores) / len(scores)
    verdict = sum(s.verdict_ok for s in scores) / len(scores)
    print("\n" + _table(scores))
    print(
        f"\nreading rate {sum(s.reading_ok for s in scores)}/{len(scores)} = {reading:.0%}; "
        f"verdict accuracy {sum(s.verdict_ok for s in scores)}/{len(scores)} = {verdict:.0%}"
    )
    assert reading >= READING_FLOOR, f"reading rate {reading:.0%} fell below the floor {READING_FLOOR:.0%}"
    assert verdict >= VERDICT_FLOOR, f"verdict accuracy {verdict:.0%} fell below the floor {VERDICT_FLOOR:.0%}"
