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

