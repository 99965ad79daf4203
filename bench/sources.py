"""Checking N registered sources that have not changed: conditional requests in parallel vs one at a time.

Runs against the loopback replay server of the tests (127.0.0.1 only, each response delayed by
``--latency`` seconds to stand for a publisher's round trip). The first pass imports every source
once; the measured passes get a 304 from each. Baseline: the same check with ``parallel_checks = 1``.

    .venv/bin/python bench/sources.py [--sources 50] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lifeline.ingest.live import registry, scheduler  # noqa: E402
from lifeline.store.engine import open_store  # noqa: E402
from tests.cli.helpers import unrwa_csv, unrwa_row  # noqa: E402
from tests.live.replay import Replay, Reply  # noqa: E402
from tests.live.test_fetch import fast  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds each response waits (round trip)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lifeline-bench-sources-"))
    os.environ["LIFELINE_SNAPSHOTS"] = str(tmp / "snapshots")
    store = open_store(f"sqlite:///{tmp / 'bench.db'}")
    replay = Replay()
    names = []
    with store.begin() as conn:
        for i in range(args.sources):
            name = f"list-{i:02d}"
            body = unrwa_csv(tmp / f"{name}.csv", [unrwa_row(j + 1000 * i) for j in range(5)]).read_bytes()
            url = replay.route(f"/src{i:02d}/unrwa-commodities-received-{name}-20240911.csv",
                               Reply(body, etag=f'"{i}"', delay=args.latency))
            registry.add(conn, name, url)
            names.append(name)
    first = scheduler.check_sources(store, scheduler.due(store, names=names), fast())
    assert all(a.outcome == "new-version" for a in first.attempts), [a.error for a in first.attempts]
    results = []
    for label, workers in (("one at a time (baseline)", 1), ("in parallel (parallel_checks = 16)", 16)):
        settings = fast(parallel_checks=workers)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            run = scheduler.check_sources(store, scheduler.due(store, names=names), settings)
            best = min(best, time.perf_counter() - started)
            assert all(a.outcome == "not-modified" for a in run.attempts)
        results.append((label, best))
    replay.close()
    store.dispose()
    print(f"{args.sources} unchanged sources, {args.latency * 1000:.0f} ms per response, best of 3")
    print(f"{'check':<40} {'seconds':>8} {'vs baseline':>12}")
    for label, seconds in results:
        print(f"{label:<40} {seconds:>8.2f} {results[0][1] / seconds:>11.1f}x")


if __name__ == "__main__":
    main()
