"""API latency while a big import runs, against the same server idle: p50 / p95, errors and time-outs.

Run: ``.venv/bin/python bench/load.py [--rows N] [--clients C] [--pg URL | --no-pg]``. Needs
../shared/data. For each backend (SQLite; PostgreSQL when ``--pg`` or ``LIFELINE_TEST_PG`` is set):

1. a fresh store with the reference set and the real UNRWA and COGAT lists (``build_demo``);
2. ``lifeline serve`` on loopback, warmed (its default), as users get it;
3. *idle*: ``--clients`` clients loop over the URLs for ``--idle-seconds``;
4. *during import*: the same clients and URLs while ``lifeline import`` stores a generated
   ``--rows``-row HXL deliveries file (``bench/ingest.py``'s generator) in another process, as an
   analyst would; measured from the import's start until it exits.

Every request has a ``--timeout``; a request that takes longer counts as a time-out, a non-200
answer as an error, and neither stops the run. Prints one Markdown table per backend for
docs/performance.md. Target (issue 15): p95 < 100 ms for cached reads during a 1M-row import, 0
time-outs. The load is bounded in count and time and goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine  # noqa: E402
from bench.api import free_port, pct  # noqa: E402
from bench.ingest import drop_postgres, fresh_postgres, generate  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
FILES = ["unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv"]
URLS = [
    "/api/v1/deliveries?by=month",
    "/api/v1/deliveries?by=day&group=crossing&limit=500",
    "/api/v1/access/throughput",
    "/api/v1/datasets",
    "/api/v1/health",
    "/",
]
P95_TARGET_MS = 100.0
MAX_REQUESTS = 200_000  # a bound whatever the durations: the loop stops by itself


@dataclass
class Samples:
    """What the clients saw for one URL in one phase."""

    ms: list[float] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0


async def hammer(base: str, clients: int, until: asyncio.Event, timeout: float) -> dict[str, Samples]:
    """``clients`` keep-alive clients cycling over ``URLS`` until ``until`` is set (or the request bound)."""
    seen = {url: Samples() for url in URLS}
    sent = 0

    async def client(offset: int) -> None:
        nonlocal sent
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as http:
            i = offset
            while not until.is_set() and sent < MAX_REQUESTS:
                url = URLS[i % len(URLS)]
                i += 1
                sent += 1
                started = time.perf_counter()
                try:
                    response = await http.get(url)
                except httpx.TimeoutException:
                    seen[url].timeouts += 1
                    continue
                except httpx.HTTPError:
                    seen[url].errors += 1
                    continue
                seen[url].ms.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    seen[url].errors += 1

    await asyncio.gather(*(client(k) for k in range(clients)))
    return seen


async def idle_phase(base: str, clients: int, seconds: float, timeout: float) -> dict[str, Samples]:
    until = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, until.set)
    return await hammer(base, clients, until, timeout)


async def import_phase(
    base: str, clients: int, timeout: float, command: list[str], log: Path
) -> tuple[dict[str, Samples], float, int]:
    """The clients run while ``command`` (the import) runs; returns what they saw, its seconds and exit code."""
    until = asyncio.Event()
    with log.open("w") as out:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(*command, stdout=out, stderr=subprocess.STDOUT)

        async def watch() -> int:
            code = await proc.wait()
            until.set()
            return code

        seen, code = await asyncio.gather(hammer(base, clients, until, timeout), watch())
    return seen, time.perf_counter() - started, code


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("lifeline")), "--db", url, "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=os.environ | {"LIFELINE_WARM": "1"}, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)  # fmt: skip
    for _ in range(3000):  # up to 5 minutes on a loaded machine: warming computes every page first
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).json()["warm"] in (
                "off",
                "done",
                "failed",
            ):
                return proc
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"the server did not start; see {log}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server: it may be busy recomputing answers after the import, so wait, then kill."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def run(coroutine):  # type: ignore[no-untyped-def]
    import uvloop

    return uvloop.run(coroutine)


def bench_backend(name: str, url: str, folder: Path, big: Path, args: argparse.Namespace) -> list[str]:
    from lifeline.cli.serve import build_demo

    data = folder / f"data-{name}"
    data.mkdir()
    for file in FILES:
        (data / file).symlink_to(SHARED / file)
    build_demo(url, data, say=lambda _m: None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(url, port, folder / f"server-{name}.log")
    try:
        idle = run(idle_phase(base, args.clients, args.idle_seconds, args.timeout))
        command = [str(Path(sys.executable).with_name("lifeline")), "--db", url, "import", str(big)]
        busy, seconds, code = run(
            import_phase(base, args.clients, args.timeout, command, folder / f"import-{name}.log")
        )
    finally:
        stop(server)
    outcome = "stored" if code == 0 else f"FAILED (exit {code}, see the log)"
    lines = [
        f"**{name}**: import of {args.rows:,} rows {outcome} in {seconds:.1f} s ({args.rows / seconds:,.0f} rows/s) "
        f"under {args.clients} clients; idle phase {args.idle_seconds:.0f} s.",
        "",
        "| URL | idle p50 ms | idle p95 ms | import p50 ms | import p95 ms | import max ms | requests idle / import | "
        "errors | time-outs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for path in URLS:
        a, b = idle[path], busy[path]

        def p(values: list[float], q: float) -> str:
            return f"{pct(values, q):.1f}" if values else "n/a"

        lines.append(
            f"| `{path}` | {statistics.median(a.ms) if a.ms else float('nan'):.1f} | {p(a.ms, 0.95)} | "
            f"{statistics.median(b.ms) if b.ms else float('nan'):.1f} | {p(b.ms, 0.95)} | "
            f"{max(b.ms) if b.ms else float('nan'):.0f} | {len(a.ms)} / {len(b.ms)} | {a.errors} / {b.errors} | "
            f"{a.timeouts} / {b.timeouts} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated file imported")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (default 10)")
    parser.add_argument("--idle-seconds", type=float, default=15.0, help="length of the idle phase")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds after which a request is a time-out")
    parser.add_argument("--pg", default=os.environ.get("LIFELINE_TEST_PG"), help="PostgreSQL URL (optional)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    missing = [f for f in FILES if not (SHARED / f).exists()]
    if missing:
        print(f"bench/load.py: skipped, ../shared/data lacks {', '.join(missing)}")
        return 0
    print(f"API latency idle and during a {args.rows:,}-row import ({args.clients} clients, loopback)")
    print(machine(), end="\n\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-load-") as tmp:
        folder = Path(tmp)
        big = generate(folder / f"deliveries-{args.rows}.csv", args.rows)
        backends = [] if args.no_sqlite else [("SQLite", f"sqlite:///{folder / 'load.db'}")]
        database = f"lifeline_load_{os.getpid()}"
        if args.pg and not args.no_pg:
            backends.append(("PostgreSQL", fresh_postgres(args.pg, database)))
        try:
            for name, url in backends:
                print("\n".join(bench_backend(name, url, folder, big, args)), end="\n\n", flush=True)
        finally:
            if args.pg and not args.no_pg:
                drop_postgres(args.pg, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
