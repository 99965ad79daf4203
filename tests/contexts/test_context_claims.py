"""Claims about another crisis's crossings, judged on that context's own files (round 6 of the unseen tests:
a synthetic El Fasher context). Jebel Amar (tests/contexts/crisis/jebel-amar/) stands in for any context whose
statuses come as a plain ``#status`` file at its entry points, as the access face reads them:

- a closure reported in such a file is evidence for a claim of closure (it read "no status is reported");
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from tests.claims.checked import report

FOLDER = Path(__file__).resolve().parent / "crisis" / "jebel-amar"
FILES = ["amr-places-hxl.csv", "amr-population-hxl.csv", "amr-status-hxl.csv", "amr-deliveries-hxl.csv"]
DOC = date(2025, 4, 28)


@pytest.fixture(scope="module")
def amar(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from lifeline.store.engine import open_store

    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('amar-claims') / 'lifeline.db'}")
    for name in FILES:
        import_file(engine, FOLDER / name)
    yield engine
    engine.dispose()


def _claims(engine: Engine, text: str) -> list[dict[str, Any]]:
    return list(report(engine, f"Amar, 28 April 2025 - {text}", DOC)["claims"])


def test_a_closure_in_a_plain_status_file_is_evidence(amar: Engine) -> None:
    (claim,) = _claims(amar, "The East road was closed on 25 April 2025.")
    assert claim["verdict"] == "consistent", claim
    assert any(e.get("value") == "closed" for e in claim["evidence"]), claim["evidence"]



def test_two_status_statements_are_two_claims(amar: Engine) -> None:
    got = _claims(amar, "The East road was closed on 25 April 2025. The South road was restricted on 10 April 2025.")
    assert [c["figure"] for c in got] == ["closed", "restricted"], got


def test_an_undated_status_after_a_dated_one_is_a_claim_of_its_own(amar: Engine) -> None:
    got = _claims(amar, "The East road was closed on 25 April 2025. The South road is restricted.")
    assert [(c["figure"], c["area"]) for c in got] == [("closed", "east-road"), ("restricted", "south-road")], got


def test_a_total_through_two_crossings_is_their_sum(amar: Engine) -> None:
    (both,) = _claims(amar, "In April 2025, about 90 trucks entered through the East road and the South road.")
    assert both["reading"]["with_crossings"] == ["south-road"], both["reading"]
    assert both["area_name"] == "East road checkpoint and South road crossing"
    (east,) = _claims(amar, "In April 2025, about 90 trucks entered through the East road.")
    (south,) = _claims(amar, "In April 2025, about 90 trucks entered through the South road.")
    assert east["reading"]["with_crossings"] == [] and south["reading"]["with_crossings"] == []
    values = [[s["value"] for s in c["sources"]] for c in (both, east, south)]
    assert values[0] == [values[1][0] + values[2][0]] and values[2][0] > 0, values
    assert both["verdict"] == "consistent" and east["verdict"] == "overstated", (both, east)


def test_a_lapsed_report_is_shown_never_taken_as_the_state_later(amar: Engine) -> None:
    # the airstrip was reported closed on 12 April; a closure stands 14 days (access.toml
    # status_valid_days_closed): on 20 April it stands, on 28 April the access face says "unknown"
    (standing,) = _claims(amar, "The Amar airstrip was closed on 20 April 2025.")
    assert standing["verdict"] == "consistent", standing
    (stale,) = _claims(amar, "The Amar airstrip was closed on 28 April 2025.")
    assert stale["verdict"] == "no data", stale
    assert "lapsed after 2025-04-26" in stale["explanation"], stale["explanation"]
    assert [e["used"] for e in stale["evidence"] if e["value"] == "closed"] == [False], stale["evidence"]
