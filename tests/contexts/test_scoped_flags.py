"""``lifeline flags --context``: the flagged rows of one context, in a store holding two."""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Engine

from lifeline.model import contexts
from lifeline.store import queries
from tests.contexts.conftest import Ran


def test_flagged_rows_of_one_context(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        everything = queries.flagged_deliveries(conn)
        zarqa = queries.flagged_deliveries(conn, scope=contexts.scope(conn, "XZ").deliveries)
        gaza = queries.flagged_deliveries(conn, scope=contexts.scope(conn, "gaza-strip").deliveries)
    # every example row lacks #item+type, so each is flagged category-from-commodity: 30 + 2 × 19 rows
    assert len(zarqa) == 30 + 2 * 19
    assert {r["crossing"] for r in zarqa} == {"north-gate", "river-port"}
    assert {r["crossing"] for r in gaza} <= {"kerem-shalom", "rafah"} and gaza
    assert len(zarqa) + len(gaza) == len(everything)


def test_cli_flags_asks_for_a_context_and_takes_one(two_contexts: Engine, lifeline: Callable[..., Ran]) -> None:
    asked = lifeline(two_contexts, "flags")
    assert asked.returncode == 2 and "--context" in asked.stderr
    ran = lifeline(two_contexts, "flags", "--context", "XZ", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    doc = json.loads(ran.stdout)
    assert doc["query"]["context"] == "XZ"
    assert {r["crossing"] for r in doc["rows"]} == {"north-gate", "river-port"}
    assert {r["path"].rsplit("/", 1)[-1] for r in doc["rows"]} == {"3-deliveries.csv"}
