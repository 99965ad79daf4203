"""The main queries on a store of one context against a store of two, and imported boundaries at scale.

Part 1 times access (timeline, throughput), coverage and the key figures for Gaza in two SQLite stores:
*one context* (the reference set with the real UNRWA and COGAT lists of ``../shared/data``) and *two
contexts* (the same store plus the worked example, ``docs/examples/zarqa-valley``), where every
delivery query carries the context's filter (``store/scope.py``); then the same queries for the worked
example in the two-context store. Each query runs once to warm the caches, then ``--repeat`` times in
this process; the table gives the median wall and CPU time, and the ratio of CPU times (two contexts
over one). The baseline is the one-context store.

Part 2 imports generated boundary files (the example's three districts, each border a zig-zag of
``n`` vertices) with ``lifeline boundaries import`` logic, each in a fresh process, and reports its
wall time and peak memory against the file's size: the file is streamed, so memory should follow the
largest feature, not the file.

    python bench/contexts.py [--repeat 5] [--runs 1000] [--vertices 100000,1000000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import ROOT, SHARED_DATA, machine, python_child, render, report_from_child, run_child  # noqa: E402

LISTS = ("unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv")
EXAMPLE = ROOT / "docs" / "examples" / "zarqa-valley"
EXAMPLE_FILES = ("1-places.csv", "2-population.csv", "3-deliveries.csv", "4-status.csv")


def queries(runs: int) -> dict[str, Callable[[Any, str], Any]]:
    from lifeline.model import access, key_figures
    from lifeline.model.coverage import coverage_table

    return {
        "access timeline (by day)": lambda conn, ctx: access.timeline(conn, context=ctx),
        "access throughput (by month)": lambda conn, ctx: access.throughput(conn, context=ctx),
        f"coverage (by month, {runs} runs)": lambda conn, ctx: coverage_table(conn, source=None if ctx == "XZ"
                                                                              else "UNRWA", runs=runs, seed=1,
                                                                              context=ctx),
        "key figures": lambda conn, ctx: key_figures.figures(conn, context=ctx),
    }


def build_stores(folder: Path) -> tuple[Any, Any]:
    from lifeline.ingest.service import import_file
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    one = open_store(f"sqlite:///{folder / 'one.db'}")
    load_all(one)
    for name in LISTS:
        import_file(one, SHARED_DATA / name)
    one.dispose()
    shutil.copy(folder / "one.db", folder / "two.db")
    one = open_store(f"sqlite:///{folder / 'one.db'}")
    two = open_store(f"sqlite:///{folder / 'two.db'}")
    for name in EXAMPLE_FILES:
        import_file(two, EXAMPLE / name)
    return one, two


def timed(engine: Any, fn: Callable[[Any, str], Any], ctx: str, repeat: int) -> tuple[float, float]:
    """Median wall and median CPU seconds (all threads of this process) of ``repeat`` warm calls, each on
    its own connection; CPU time moves much less than wall time when others load the shared machine."""
    with engine.connect() as conn:
        fn(conn, ctx)
    walls, cpus = [], []
    for _ in range(repeat):
        with engine.connect() as conn:
            started, cpu = time.perf_counter(), time.process_time()
            fn(conn, ctx)
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def part_one(repeat: int, runs: int) -> str:
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-contexts-") as tmp:
        one, two = build_stores(Path(tmp))
        header = ["query", "1 context: Gaza (baseline)", "2 contexts: Gaza", "ratio", "2 contexts: Zarqa"]
        body = []
        for label, fn in queries(runs).items():
            base, both, zarqa = (timed(one, fn, "gaza-strip", repeat), timed(two, fn, "gaza-strip", repeat),
                                 timed(two, fn, "XZ", repeat))
            body.append([label, _cell(base), _cell(both), f"{both[1] / base[1]:.2f}", _cell(zarqa)])
        one.dispose()
        two.dispose()
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    out = [f"Main queries, one context against two (median of {repeat} warm runs: wall s (CPU s); ratio of CPU)",
           machine(), "", "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            for row in body]
    return "\n".join(out)


def _cell(measured: tuple[float, float]) -> str:
    return f"{measured[0]:.3f} (cpu {measured[1]:.3f})"


def wiggly_districts(n: int) -> dict[str, Any]:
    """The example's three districts, each border between them a zig-zag of ``n`` vertices (5 m amplitude),
    the north and south edges too: a file the size of a surveyed boundary file."""
    def line(lat: float, west_to_east: bool = True) -> list[list[float]]:
        pts = [[30.0 + 0.6 * i / (n - 1), lat + (0.00005 if i % 2 else 0.0) + 0.01 * math.sin(i / n * math.pi)]
               for i in range(n)]
        return pts if west_to_east else pts[::-1]
    top, a, b, bottom = line(15.30), line(15.05), line(14.95), line(14.70)
    rings = {"XZ01": a + top[::-1] + [a[0]], "XZ02": b + a[::-1] + [b[0]], "XZ03": bottom + b[::-1] + [bottom[0]]}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ADM1_PCODE": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        for code, ring in rings.items()]}


def boundaries_child(path: Path) -> None:
    """One import of a generated file into a new store (run in a fresh process: its peak is the import's)."""
    from lifeline.geo.boundaries import import_boundaries
    from lifeline.ingest.service import import_file
    from lifeline.store.engine import open_store

    with tempfile.TemporaryDirectory(prefix="lifeline-bench-boundaries-") as tmp:
        engine = open_store(f"sqlite:///{Path(tmp) / 'b.db'}")
        import_file(engine, EXAMPLE / "1-places.csv")
        started = time.perf_counter()
        report = import_boundaries(engine, path)
        seconds = time.perf_counter() - started
        engine.dispose()
    size_mb = path.stat().st_size / 1e6
    report_from_child(report.vertices_read, seconds, f"file {size_mb:.0f} MB; {report.vertices_kept:,} vertices kept")


def part_two(sizes: list[int]) -> str:
    script = Path(__file__).resolve()
    results = []
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-geojson-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"surveyed-{n}.geojson"  # written here, so the child's peak is the import's alone
            path.write_text(json.dumps(wiggly_districts(max(n // 6, 10))), encoding="utf-8")
            results.append(run_child(f"boundaries import, {n:,} vertices",
                                     python_child(script, "--boundaries-child", str(path))))
            path.unlink()
    return render("Boundaries import (rows = vertices read; one fresh process each, peak = its max RSS)", results)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--runs", type=int, default=1000, help="Monte Carlo runs of the coverage query (CLI default)")
    parser.add_argument("--vertices", default="100000,1000000,2400000", help="vertices of each generated file")
    parser.add_argument("--quick", action="store_true", help="2 repeats, 100 runs, 100,000 vertices")
    parser.add_argument("--only", choices=["queries", "boundaries"], help="run one part only")
    parser.add_argument("--boundaries-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.boundaries_child:
        boundaries_child(args.boundaries_child)
        return
    if args.quick:
        args.repeat, args.runs, args.vertices = 2, 100, "100000"
    missing = [name for name in LISTS if not (SHARED_DATA / name).exists()]
    if args.only == "boundaries":
        pass
    elif missing:
        print(f"part 1 skipped: needs {', '.join(missing)} in {SHARED_DATA}")
    else:
        print(part_one(args.repeat, args.runs), end="\n\n", flush=True)
    if args.only != "queries":
        print(part_two([int(n) for n in args.vertices.split(",")]))


if __name__ == "__main__":
    main()
