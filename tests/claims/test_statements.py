"""The development set: statements written for Lifeline in the styles of UN updates, government and
military statements, armed groups and political factions, NGO appeals and news reports, each with the
extractions and verdicts expected against the bundled reference data set (``*.expected.json``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.claims.check import check_parsed
from lifeline.claims.documents import read_path
from lifeline.claims.report import VERDICTS

STATEMENTS = Path(__file__).with_name("statements")
CASES = sorted(p for p in STATEMENTS.iterdir() if p.suffix in {".txt", ".html"})
# Readings known wrong or not yet checked by hand (statement id -> why), run as strict xfail; the
# expectations keep what the statement says, not the output. Empty: every fixture has been reviewed.
KNOWN_WRONG: dict[str, str] = {}


def _case(p: Path) -> object:
    why = KNOWN_WRONG.get(p.stem)
    return pytest.param(p, id=p.stem, marks=pytest.mark.xfail(reason=why, strict=True)) if why else pytest.param(
        p, id=p.stem
    )


def test_the_development_set_is_large_and_varied() -> None:
    assert len(CASES) >= 40
    arabic = [c for c in CASES if any("\u0600" <= ch <= "\u06ff" for ch in c.read_text(encoding="utf-8"))]
    assert len(arabic) >= 10, [c.name for c in arabic]
    verdicts = set()
    not_checkable = 0
    for case in CASES:
        expected = json.loads(case.with_name(case.stem + ".expected.json").read_text())
        verdicts |= {c["verdict"] for c in expected["claims"]}
        not_checkable += len(expected["not_checkable"])
    assert verdicts == set(VERDICTS), "the set exercises every verdict"
    assert not_checkable >= 10


@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_statement(case: Path, reference_store: Engine) -> None:
    expected = json.loads(case.with_name(case.stem + ".expected.json").read_text())
    given = date.fromisoformat(expected["given_date"]) if expected["given_date"] else None
    with reference_store.connect() as conn:
        report = check_parsed(conn, read_path(case), given)
    assert report.date.isoformat() == expected["date"]
    assert report.date_basis == expected["date_basis"]
    got = [
        {
            "figure": c.figure, "indicator": c.indicator, "area": c.area, "from": c.date["from"], "to": c.date["to"],
            "value": c.value, "bounds": c.bounds, "verdict": c.verdict,
        }
        for c in report.claims
    ]
    assert got == expected["claims"]
    assert [{"figure": n.figure, "reason": n.reason} for n in report.not_checkable] == expected["not_checkable"]
    for c in report.claims:
        assert c.explanation and c.tolerance["rule"]
        assert report.text[c.figure_span[0] : c.figure_span[1]] == c.figure
        assert report.text[c.span[0] : c.span[1]] == c.text
        if c.verdict != "no data":
            used = [e for e in c.evidence if e.used]
            assert used, "a verdict other than 'no data' rests on evidence rows"
            assert all(e.source and e.date and e.value not in (None, "") for e in used)


def test_json_shape(reference_store: Engine) -> None:
    with reference_store.connect() as conn:
        report = check_parsed(conn, read_path(STATEMENTS / "06-news-wire.txt"))
    doc = json.loads(json.dumps(report.as_dict()))
    assert set(doc) >= {"document", "claims", "not_checkable"}
    assert set(doc["document"]) >= {"title", "date"}
    keys = {"text", "span", "indicator", "area", "date", "value", "bounds", "unit", "verdict", "tolerance",
            "evidence", "explanation"}
    for claim in doc["claims"]:
        assert keys <= set(claim)
        for row in claim["evidence"]:
            assert {"value", "date", "source", "location"} <= set(row)
