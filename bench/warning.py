"""Early-warning benchmarks (issue 7): scenarios with allocation, alert evaluation, the monthly report.

Run: ``.venv/bin/python bench/warning.py``. Prints one table. Synthetic cases build their own store
(a temporary SQLite file with a month of baseline deliveries at 10 crossings); real-data cases run
when ../shared/data is present and are skipped with a note otherwise.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert  # noqa: E402

from lifeline.model import scenarios  # noqa: E402
from lifeline.store import schema  # noqa: E402
from lifeline.store.engine import open_store  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
BASE_FROM, BASE_TO, START = date(2024, 4, 1), date(2024, 4, 30), date(2024, 5, 1)
CROSSINGS = [f"x{i}" for i in range(10)]


def synthetic_store(folder: Path) -> Engine:
    """A month of food deliveries at 10 crossings (10-40 trucks/day each, 17 t of flour per truck)."""
    engine = open_store(f"sqlite:///{folder / 'bench.db'}")
    with engine.begin() as conn:
        sid = conn.execute(insert(schema.sources).values(publisher="BENCH", title="synthetic")).inserted_primary_key[0]
        ds = conn.execute(
            insert(schema.datasets).values(
                kind="bench",
                series="bench",
                source_id=sid,
                path="synthetic",
                sha256="0" * 64,
                imported_at=datetime.now(UTC),
                rows_read=0,
                rows_imported=0,
                rows_unchanged=0,
                rows_changed=0,
                rows_rejected=0,
                rows_flagged=0,
                rows_withdrawn=0,
            )
        ).inserted_primary_key[0]
        rows = []
        for d in range((BASE_TO - BASE_FROM).days + 1):
            for i, c in enumerate(CROSSINGS):
                n = 10 + 3 * i
                rows.append(
                    {
                        "series": "bench",
                        "source_row_id": f"{c}-{d}",
                        "dataset_id": ds,
                        "first_dataset_id": ds,
                        "row_number": len(rows) + 2,
                        "date": BASE_FROM + timedelta(days=d),
                        "crossing": c,
                        "category": "food",
                        "commodity": "wheat-flour",
                        "consignments": n,
                        "trucks": float(n),
                        "kg": n * 17000.0,
                    }
                )
        conn.execute(insert(schema.deliveries), rows)
    return engine


def scenario_doc(areas: int, days: int, mode: str) -> dict[str, Any]:
    """Each crossing reaches a band of areas; two closures, a throttle and three movements over three weeks."""
    names = [f"A{j:03d}" for j in range(areas)]
    # Banded reach: crossing i serves the areas around position i/10 of the list, so neighbouring crossings
    # overlap and the leximin has many distinct levels (a hard case, not one shared level).
    reach = {
        c: [names[j] for j in range(areas) if abs(10 * j / areas - i) < 1.6] or [names[min(i, areas - 1)]]
        for i, c in enumerate(CROSSINGS)
    }
    return {
        "scenario": {
            "title": f"bench {areas}x{days}",
            "start": START,
            "days": days,
            "baseline_from": BASE_FROM,
            "baseline_to": BASE_TO,
            "runs": 200,
            "allocation": mode,
            "seed": 1,
        },
        "population": {a: {"value": 20000 + 1000 * (j % 37), "source": "synthetic"} for j, a in enumerate(names)},
        "reach": reach,
        "closures": [
            {"crossing": "x0", "from": START, "days": 30},
            {"crossing": "x3", "from": START + timedelta(5), "days": 10},
        ],
        "throttles": [{"crossing": "x1", "factor": 0.3, "from": START}],
        "movements": [
            {
                "from_area": names[k],
                "to": {names[(k + 1) % areas]: 0.5, names[(k + 2) % areas]: 0.5},
                "people": 10000,
                "from": START,
                "days": 21,
            }
            for k in range(min(3, areas))
        ],
        "stocks": {"days_of_requirement": {a: 5 for a in names}, "source": "synthetic"},
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    results: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = synthetic_store(Path(tmp))
        for areas, days, mode, target in (
            (5, 90, "maximin", 2.0),
            (100, 365, "maximin", 30.0),
            (100, 365, "proportional", 30.0),
        ):
            sc = scenarios.parse(scenario_doc(areas, days, mode), "bench")
            with engine.connect() as conn:
                secs, p = timed(lambda sc=sc, conn=conn: scenarios.project(conn, sc))
                secs2, _ = timed(
                    lambda sc=sc, conn=conn: scenarios.allocation_rows(conn, sc, START + timedelta(days=10))
                )
            shape = f"{p.runs} runs x {days} days x {areas} areas, {len(CROSSINGS)} crossings"
            results.append((f"scenario projection ({mode})", shape, f"{secs:.2f}", f"{target:g}"))
            results.append(("allocation on one day (leximin + trucks needed)", f"{areas} areas", f"{secs2:.2f}", "-"))
        engine.dispose()
    if (SHARED / "unrwa-commodities-received-20241111.csv").exists():
        from lifeline.alerts.evaluate import evaluate
        from lifeline.ingest.service import import_file
        from lifeline.report.build import build
        from lifeline.report.render import write

        with tempfile.TemporaryDirectory() as tmp:
            engine = open_store(f"sqlite:///{Path(tmp) / 'real.db'}")
            for name in ("unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv"):
                import_file(engine, SHARED / name)
            secs, ev = timed(lambda: evaluate(engine))
            results.append(
                ("alerts check, all rules (first run)", f"UNRWA + COGAT lists, {ev.found} findings", f"{secs:.2f}", "-")
            )
            secs, ev = timed(lambda: evaluate(engine))
            results.append(("alerts check again (nothing new)", f"{ev.result.unchanged} unchanged", f"{secs:.2f}", "-"))
            for suffix in ("html", "pdf"):

                def run(suffix: str = suffix) -> Path:
                    with engine.connect() as conn:
                        rep = build(conn, date(2024, 5, 1), date(2024, 5, 31))
                    return write(rep, Path(tmp) / f"may.{suffix}")

                secs, out = timed(run)
                results.append(
                    (f"report, May 2024 ({suffix})", f"{out.stat().st_size / 1024:,.0f} KB", f"{secs:.2f}", "10")
                )
            engine.dispose()
    else:
        results.append(("alerts and report on the real lists", "skipped: ../shared/data absent", "-", "-"))
    width = [max(len(r[i]) for r in results + [("step", "shape", "seconds", "target s")]) for i in range(4)]
    head = ("step", "shape", "seconds", "target s")
    print(" | ".join(h.ljust(w) for h, w in zip(head, width, strict=True)))
    print("-+-".join("-" * w for w in width))
    for r in results:
        print(" | ".join(v.ljust(w) for v, w in zip(r, width, strict=True)))


if __name__ == "__main__":
    main()
