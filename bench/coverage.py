"""Coverage-engine benchmark: Study A's full Monte Carlo, and a 100 areas x 1,000 days x 1,000 runs scaling run.

Run ``python bench/coverage.py`` (``--quick`` for a smoke run). Each row is timed with
``time.perf_counter`` and its peak traced memory (NumPy reports its buffers to ``tracemalloc``);
beside each, a naive baseline of the same engine: a Python loop over runs and days with arrays
over areas (the shape an R data-frame loop has). The scaling baseline runs on a slice of the runs and
is extrapolated linearly, and says so.

Targets (issue 3): Study A, 1,000 runs (7 Oct 2023 - 31 Aug 2024, two areas) < 10 s;
scaling run < 60 s. Study A needs ``../shared/data`` (UNRWA 2024-09-11 list and the v1 workbook).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lifeline.model import balance, population  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED = 20241016


def measure(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall seconds and peak traced MB of one call."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return wall, peak / 1e6, out


def naive(inputs: balance.BalanceInputs) -> np.ndarray:
    """The same balance, one run and one day at a time (arrays over areas only)."""
    runs, d, a = inputs.shape
    inflow = np.broadcast_to(balance.total_inflow(inputs), (runs, d, a))
    pop = np.broadcast_to(balance.as3(inputs.population), (runs, d, a))
    cap = np.broadcast_to(balance.as3(inputs.cap_kcal), (runs, 1, a))
    consumed = np.empty((runs, d, a))
    for r in range(runs):
        stock = np.zeros(a)
        for t in range(d):
            available = stock + inflow[r, t]
            eat = np.minimum(available, cap[r, 0] * pop[r, t])
            consumed[r, t] = eat
            stock = available - eat
    return consumed


def scaling_inputs(areas: int, days: int, runs: int) -> balance.BalanceInputs:
    gen = np.random.default_rng(SEED)
    day_axis = population.day_range(date(2023, 10, 7), date(2023, 10, 6) + np.timedelta64(days, "D").astype(object))
    pop = gen.uniform(5e4, 5e5, (1, 1, areas)) * np.linspace(1.0, 0.7, days)[None, :, None]
    need = pop * 2100.0
    base = need * gen.gamma(2.0, 0.5, (1, days, areas))  # lumpy deliveries around the need
    cap = gen.uniform(2617.0, 2803.0, (runs, 1, 1))  # per-run draw of the consumption cap
    return balance.BalanceInputs(
        days=day_axis,
        areas=[f"area-{i:03d}" for i in range(areas)],
        population=pop,
        inflows={"deliveries": base, "stocks": np.where(np.arange(days) == 0, 30.0, 0.0)[None, :, None] * need},
        requirement_kcal=2100.0,
        cap_kcal=cap,
    )


def study_a(runs: int) -> list[dict[str, Any]]:
    from lifeline.assumptions import load_set
    from lifeline.ingest.service import import_file
    from lifeline.model.studies import checchi
    from lifeline.model.studies.workbook import read_workbook
    from lifeline.store.engine import open_store
    from lifeline.store.queries_model import deliveries_frame

    unrwa = SHARED / "unrwa-commodities-received-20240911.xlsx"
    book = SHARED / "lshtm-gaza_food_data-v1-20241016.xlsx"
    if not unrwa.exists() or not book.exists():
        return [{"step": "Study A", "note": "skipped: ../shared/data is absent"}]
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/bench.db")
        import_file(engine, unrwa, rules=load_set("normalisation"))
        with engine.connect() as conn:
            frame = deliveries_frame(conn, kind="unrwa")
        engine.dispose()
    wb = read_workbook(book)
    aset = load_set(checchi.SET)

    def full() -> Any:
        return checchi.headline(checchi.simulate(wb, frame, aset, runs), aset)

    wall, peak, head = measure(full)
    run = checchi.simulate(wb, frame, aset, runs)
    inputs = balance.BalanceInputs(
        days=run.constants.days,
        areas=["north", "south-central"],
        population=run.constants.population[None],
        inflows={
            "all": checchi.next_day_availability(
                sum(np.broadcast_to(v, run.result.consumed.shape) for v in run.sources.values())
            )
        },
        requirement_kcal=run.constants.req_gaza,
        cap_kcal=run.act[:, None, None],
    )
    b_wall, b_peak, fast = measure(lambda: balance.run(inputs))
    n_wall, n_peak, slow = measure(lambda: naive(inputs))
    assert np.allclose(fast.consumed, slow, rtol=1e-9, atol=1e-3), "naive and vectorised balance disagree"
    assert np.allclose(fast.consumed, run.result.consumed, rtol=1e-9, atol=1e-3)
    shape = f"{runs} runs x {len(run.constants.days)} days x 2 areas"
    return [
        {
            "step": "Study A, whole simulation (inputs, sources, balance, Table 1, weekly)",
            "shape": shape,
            "lifeline_s": wall,
            "lifeline_mb": peak,
            "baseline_s": None,
            "baseline_mb": None,
            "target_s": 10.0,
            "note": "weeks below (to 5 May) north {:.0f}, south-central {:.0f}".format(*head.weeks_below_may),
        },
        {
            "step": "Study A, balance only",
            "shape": shape,
            "lifeline_s": b_wall,
            "lifeline_mb": b_peak,
            "baseline_s": n_wall,
            "baseline_mb": n_peak,
            "target_s": None,
            "note": "baseline: Python loop over runs x days (arrays over areas); identical results",
        },
    ]


def scaling(areas: int, days: int, runs: int, baseline_runs: int) -> list[dict[str, Any]]:
    inputs = scaling_inputs(areas, days, runs)
    out = []
    for by in ("week", "month"):
        wall, peak, summary = measure(lambda by=by: balance.summarise(inputs, by=by))
        out.append(
            {
                "step": f"scaling: balance + quantiles by {by}",
                "shape": f"{runs} runs x {days} days x {areas} areas",
                "lifeline_s": wall,
                "lifeline_mb": peak,
                "target_s": 60.0,
                "baseline_s": None,
                "baseline_mb": None,
                "note": f"{len(summary.periods)} periods; area blocks keep memory bounded",
            }
        )
    small = scaling_inputs(areas, days, baseline_runs)
    n_wall, n_peak, _ = measure(lambda: naive(small))
    f_wall, _, _ = measure(lambda: balance.run(small))
    out.append(
        {
            "step": "scaling: balance only, naive vs vectorised",
            "shape": f"{baseline_runs} runs x {days} days x {areas} areas",
            "lifeline_s": f_wall,
            "lifeline_mb": None,
            "baseline_s": n_wall,
            "baseline_mb": n_peak,
            "target_s": None,
            "note": f"naive extrapolated to {runs} runs: {n_wall * runs / baseline_runs:,.0f} s",
        }
    )
    return out


def render(rows: list[dict[str, Any]]) -> str:
    def f(x: Any, fmt: str) -> str:
        return "-" if x is None else format(x, fmt)

    lines = [
        "| step | shape | Lifeline s | peak MB | naive loop s | naive MB | target s | note |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [
            r["step"],
            r.get("shape", ""),
            f(r.get("lifeline_s"), ".2f"),
            f(r.get("lifeline_mb"), ".0f"),
            f(r.get("baseline_s"), ".2f"),
            f(r.get("baseline_mb"), ".0f"),
            f(r.get("target_s"), ".0f"),
            r.get("note", ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = ap.parse_args()
    runs = 100 if args.quick else 1000
    rows = study_a(runs)
    rows += scaling(10 if args.quick else 100, 200 if args.quick else 1000, runs, 5 if args.quick else 20)
    print(render(rows))
    for r in rows:
        if r.get("target_s") and r.get("lifeline_s") and r["lifeline_s"] > r["target_s"]:
            print(f"TARGET MISSED: {r['step']} took {r['lifeline_s']:.1f} s (target {r['target_s']:.0f} s)")


if __name__ == "__main__":
    main()
