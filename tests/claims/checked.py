"""A statement checked against a store, as the claims tests read it: the answer's dictionary (what
``claims check --format json`` prints)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from lifeline.claims.check import check_document


def report(engine: Engine, text: str, doc: date) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(check_document(conn, text, date=doc).as_dict())
