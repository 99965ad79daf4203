"""As of a date: the cost of answering with the store as held at T, against the same question now.

Builds a UNRWA-shaped list of N rows (``--rows``, default 50,000), imports it, then a second version
that revises the quantity of ``--revised`` percent of the rows (default 10 %), withdraws 1 % and adds
2 %, and stamps the two imports a month apart. Times, best of three, each question now (the baseline:
plain reads of the tables) and as of a moment between the versions (:mod:`lifeline.store.as_of`), and
prints them side by side. ``--db URL`` runs it on another store (an empty PostgreSQL database).

    .venv/bin/python bench/as_of.py [--rows 50000] [--revised 10] [--db URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import update  # noqa: E402

from lifeline.assumptions import load_set  # noqa: E402
from lifeline.ingest.service import import_file  # noqa: E402
from lifeline.store import queries, queries_access, schema  # noqa: E402
from lifeline.store.engine import open_store  # noqa: E402
from lifeline.store.queries_model import deliveries_frame  # noqa: E402
from tests.cli.helpers import unrwa_csv, unrwa_row  # noqa: E402

V1_AT = datetime(2024, 9, 1, tzinfo=UTC)
V2_AT = datetime(2024, 10, 1, tzinfo=UTC)
BETWEEN = datetime(2024, 9, 15, tzinfo=UTC)


def _rows(n: int, revised: float, second: bool) -> list[dict[str, Any]]:
    crossings = ("Kerem Shalom", "Rafah", "Zikim", "Erez")
    out = []
    for i in range(1, n + 1):
        if second and i % 100 == 0:
            continue  # 1 % withdrawn
        qty = 20 if second and i % max(int(100 / revised), 1) == 1 else 10
        out.append(unrwa_row(i, day=f"2024-{1 + i % 8:02d}-{1 + i % 28:02d}", quantity=qty,
                             crossing=crossings[i % 4]))
    if second:
        out += [unrwa_row(n + i, day=f"2024-0{1 + i % 8}-05") for i in range(1, n // 50 + 1)]  # 2 % added
    return out


def _best(fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--revised", type=float, default=10.0)
    ap.add_argument("--db")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        rules = load_set("normalisation")
        for name, second, at in (("20240901", False, V1_AT), ("20241001", True, V2_AT)):
            path = unrwa_csv(Path(tmp) / f"unrwa-commodities-received-{name}.csv",
                             _rows(args.rows, args.revised, second))
            report = import_file(engine, path, kind="unrwa", rules=rules)
            with engine.begin() as conn:
                d, r = schema.datasets, schema.revisions
                conn.execute(update(d).where(d.c.id == report.dataset_id).values(imported_at=at))
                conn.execute(update(r).where(r.c.dataset_id == report.dataset_id).values(changed_at=at))
        with engine.connect() as conn:
            revisions = len(queries.revisions(conn))
            questions: list[tuple[str, Callable[[datetime | None], Any]]] = [
                ("delivery_totals by month x crossing", lambda at: queries.delivery_totals(conn, as_of=at)),
                ("daily_deliveries (access, compare)", lambda at: queries_access.daily_deliveries(conn, as_of=at)),
                ("deliveries_frame (coverage)", lambda at: deliveries_frame(conn, as_of=at)),
            ]
            print(f"{engine.dialect.name}: {args.rows:,} rows, second version: {revisions:,} revisions "
                  f"({args.revised:g} % revised, 1 % withdrawn, 2 % added)")
            print(f"{'question':40} {'now (baseline) s':>17} {'as of T s':>10} {'ratio':>6}")
            for label, ask in questions:
                now, then = _best(lambda ask=ask: ask(None)), _best(lambda ask=ask: ask(BETWEEN))
                print(f"{label:40} {now:17.3f} {then:10.3f} {then / now:6.1f}")
        engine.dispose()


if __name__ == "__main__":
    main()
