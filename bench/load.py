"""API latency while a big import runs, against the same server idle: p50 / p95, errors and time-outs.

Run: ``.venv/bin/python bench/load.py [--rows N] [--clients C] [--pg URL | --no-pg] [--compare REF]
[--nice N] [--probe]``. Needs ../shared/data. For each backend (SQLite; PostgreSQL when ``--pg`` or
``LIFELINE_TEST_PG`` is set):

1. a fresh store with the reference set and the real UNRWA and COGAT lists (``build_demo``);
2. ``lifeline serve`` on loopback, warmed (its default), as users get it;
3. *idle*: ``--clients`` clients loop over the URLs for ``--idle-seconds``;
4. *during import*: the same clients and URLs while ``lifeline import`` stores a generated
   ``--rows``-row HXL deliveries file (``bench/ingest.py``'s generator) in another process, as an
   analyst would (under ``nice -n N`` with ``--nice``); measured from the import's start until it exits,
   then for ``--after-seconds`` more (the answers recomputed after the commit);
5. with ``--compare REF`` the same is run first with the code at git ``REF`` (``git archive``; server and
   import both), then with this tree, into fresh stores: the baseline's table beside this tree's.

Beside wall times it prints what the shared machine was doing: the load average, the CPU seconds of the
server and of the import (and, on PostgreSQL, of the import's backend). ``--probe`` also samples, every
0.2 s during the import, which PostgreSQL locks the import holds and which sessions wait on a lock
(``pg_locks`` / ``pg_stat_activity``), and prints the requests over ``--slow-ms`` per second of the run with
the server's own time (its ``Server-Timing``) beside the client's: what a slow read waited on.

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
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine  # noqa: E402
from bench.api import free_port, pct  # noqa: E402
from bench.ingest import baseline_tree, drop_postgres, fresh_postgres, generate  # noqa: E402

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
CACHED = URLS[:4]  # the whole-answer cached reads the target is about
P95_TARGET_MS = 100.0
MAX_REQUESTS = 200_000  # a bound whatever the durations: the loop stops by itself
IMPORT_APP = "lifeline-bench-import"  # PostgreSQL application_name of the import's session
SERVER_APP = "lifeline-bench-server"
CLK = os.sysconf("SC_CLK_TCK")


@dataclass
class Samples:
    """What the clients saw for one URL in one phase: (seconds since the phase began, wall ms, server ms)."""

    ms: list[float] = field(default_factory=list)
    at: list[tuple[float, float, float]] = field(default_factory=list)
    errors: int = 0
    timeouts: int = 0
    stale: int = 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK


def server_ms(response: httpx.Response) -> float:
    timing = response.headers.get("server-timing", "app;dur=nan")
    try:
        return float(timing.split("dur=")[1])
    except (IndexError, ValueError):
        return float("nan")


async def hammer(base: str, clients: int, until: asyncio.Event, timeout: float) -> dict[str, Samples]:
    """``clients`` keep-alive clients cycling over ``URLS`` until ``until`` is set (or the request bound)."""
    seen = {url: Samples() for url in URLS}
    sent = 0
    began = time.perf_counter()

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
                    seen[url].at.append((started - began, timeout * 1000, float("nan")))
                    continue
                except httpx.HTTPError:
                    seen[url].errors += 1
                    continue
                wall = (time.perf_counter() - started) * 1000
                seen[url].ms.append(wall)
                seen[url].at.append((started - began, wall, server_ms(response)))
                if response.headers.get("x-lifeline-cache") == "stale":
                    seen[url].stale += 1
                if response.status_code != 200:
                    seen[url].errors += 1

    await asyncio.gather(*(client(k) for k in range(clients)))
    return seen


async def idle_phase(base: str, clients: int, seconds: float, timeout: float) -> dict[str, Samples]:
    until = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, until.set)
    return await hammer(base, clients, until, timeout)


@dataclass
class ImportRun:
    seen: dict[str, Samples]
    seconds: float
    code: int
    cpu: float  # the import process's CPU seconds
    server_cpu: float  # the API server's CPU seconds over the phase
    load: tuple[float, float]  # load average (1 min) at the start and at the end
    probe: Probe | None


async def import_phase(base: str, clients: int, timeout: float, command: list[str], log: Path, server: int,
                       after: float, probe: Probe | None) -> ImportRun:
    """The clients run while ``command`` (the import) runs and ``after`` seconds more."""
    until = asyncio.Event()
    load0 = os.getloadavg()[0]
    cpu0 = cpu_seconds(server)
    if probe is not None:
        probe.start()
    with log.open("w") as out:
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(*command, stdout=out, stderr=subprocess.STDOUT,
                                                    env=os.environ | {"PGAPPNAME": IMPORT_APP})

        async def watch() -> tuple[int, float]:
            code = await proc.wait()
            seconds = time.perf_counter() - started
            if probe is not None:
                probe.stop()
            await asyncio.sleep(after)
            until.set()
            return code, seconds

        seen, (code, seconds) = await asyncio.gather(hammer(base, clients, until, timeout), watch())
    cpu = next((float(line.split()[1]) for line in log.read_text().splitlines()[::-1]
                if line.startswith("IMPORT-CPU ")), float("nan"))
    return ImportRun(seen, seconds, code, cpu, cpu_seconds(server) - cpu0, (load0, os.getloadavg()[0]), probe)


class Probe:
    """PostgreSQL's view of the import, sampled every 0.2 s: the locks its session holds (relation, mode) and
    the sessions waiting for a lock (who, on which relation, in which mode, running what)."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.held: Counter[tuple[str, str]] = Counter()
        self.waits: Counter[tuple[str, str, str, str]] = Counter()
        self.samples = 0
        self.backend_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(0.2):
                self.samples += 1
                for pid, relation, mode in conn.execute(
                    "SELECT l.pid, coalesce(c.relname, l.locktype), l.mode FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid LEFT JOIN pg_class c ON c.oid = l.relation "
                    "WHERE a.application_name = %s AND l.granted AND a.datname = current_database() "
                    "AND (c.relname IS NULL OR c.relname NOT LIKE 'pg\\_%%')", (IMPORT_APP,)
                ):
                    self.held[(relation, mode)] += 1
                    self.backend_cpu = max(self.backend_cpu, cpu_seconds(pid))
                for app, relation, mode, query in conn.execute(
                    "SELECT a.application_name, coalesce(c.relname, l.locktype), l.mode, left(a.query, 70) "
                    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "LEFT JOIN pg_class c ON c.oid = l.relation "
                    "WHERE NOT l.granted AND a.datname = current_database()"
                ):
                    self.waits[(app, relation, mode, " ".join(query.split()))] += 1

    def report(self) -> list[str]:
        lines = [f"PostgreSQL during the import ({self.samples} samples, 0.2 s apart): the import's session held",
                 "", "| relation | lock mode | samples held |", "|---|---|---|"]
        lines += [f"| `{rel}` | {mode} | {n} |" for (rel, mode), n in sorted(self.held.items())]
        lines += ["", "sessions waiting for a lock:", ""]
        if not self.waits:
            lines.append("none seen")
        else:
            lines += ["| session | relation | mode wanted | query | samples waiting |", "|---|---|---|---|---|"]
            lines += [f"| {app} | `{rel}` | {mode} | `{q}` | {n} |"
                      for (app, rel, mode, q), n in self.waits.most_common(12)]
        return lines


def slow_timeline(seen: dict[str, Samples], slow_ms: float, end: float) -> list[str]:
    """Requests slower than ``slow_ms`` per second since the import began: how many, worst wall and server ms."""
    per: dict[int, list[tuple[float, float]]] = {}
    for url in URLS:
        for at, wall, server in seen[url].at:
            if wall > slow_ms:
                per.setdefault(int(at), []).append((wall, server))
    lines = [f"requests over {slow_ms:.0f} ms by second since the import began (it ended at {end:.0f} s):", "",
             "| second | slow requests | worst wall ms | their server ms (median) |", "|---|---|---|---|"]
    for second in sorted(per):
        walls = per[second]
        servers = [s for _, s in walls if s == s]
        lines.append(f"| {second} | {len(walls)} | {max(w for w, _ in walls):.0f} | "
                     f"{statistics.median(servers) if servers else float('nan'):.0f} |")
    return lines


def start_server(lifeline: list[str], url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [*lifeline, "--db", url, "serve", "--port", str(port)]
    env = os.environ | {"LIFELINE_WARM": "1", "PGAPPNAME": SERVER_APP}
    proc = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
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


def lifeline_command(tree: Path) -> list[str]:
    """``lifeline`` with the package of ``tree`` first on the path (this tree, or a baseline's)."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); "
            "from lifeline.cli.app import run; sys.exit(run())"]


# Runs the import and prints its own CPU seconds (it and its children) as the log's last line.
TIMED = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
         "u = resource.getrusage(resource.RUSAGE_CHILDREN); print('IMPORT-CPU', u.ru_utime + u.ru_stime); "
         "sys.exit(code)")


def measure(name: str, tree: Path, url: str, folder: Path, big: Path, args: argparse.Namespace) -> ImportRun:
    from lifeline.cli.serve import build_demo

    data = folder / f"data-{name}"
    data.mkdir()
    for file in FILES:
        (data / file).symlink_to(SHARED / file)
    build_demo(url, data, say=lambda _m: None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    lifeline = lifeline_command(tree)
    server = start_server(lifeline, url, port, folder / f"server-{name}.log")
    try:
        idle = run(idle_phase(base, args.clients, args.idle_seconds, args.timeout))
        nice = ["nice", "-n", str(args.nice)] if args.nice else []
        command = [*nice, sys.executable, "-c", TIMED, *lifeline, "--db", url, "import", str(big)]
        probe = Probe(url) if args.probe and url.startswith("postgresql") else None
        busy = run(import_phase(base, args.clients, args.timeout, command, folder / f"import-{name}.log",
                                server.pid, args.after_seconds, probe))
    finally:
        stop(server)
    busy.idle = idle  # type: ignore[attr-defined]
    return busy


def table(name: str, label: str, result: ImportRun, args: argparse.Namespace) -> list[str]:
    idle: dict[str, Samples] = result.idle  # type: ignore[attr-defined]
    outcome = "stored" if result.code == 0 else f"FAILED (exit {result.code}, see the log)"
    backend = f", its PostgreSQL backend {result.probe.backend_cpu:.1f} s" if result.probe else ""
    lines = [
        f"**{name}, {label}**: import of {args.rows:,} rows{' (nice -n ' + str(args.nice) + ')' if args.nice else ''} "
        f"{outcome} in {result.seconds:.1f} s wall ({args.rows / result.seconds:,.0f} rows/s), CPU: import "
        f"{result.cpu:.1f} s{backend}, API server {result.server_cpu:.1f} s; load average "
        f"{result.load[0]:.1f} → {result.load[1]:.1f}; {args.clients} clients; idle phase "
        f"{args.idle_seconds:.0f} s, import phase until {args.after_seconds:.0f} s after the import ended.",
        "",
        "| URL | idle p50 ms | idle p95 ms | import p50 ms | import p95 ms | import max ms | requests idle / import | "
        "stale answers | errors | time-outs |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in URLS:
        a, b = idle[path], result.seen[path]

        def p(values: list[float], q: float) -> str:
            return f"{pct(values, q):.1f}" if values else "n/a"

        lines.append(
            f"| `{path}` | {statistics.median(a.ms) if a.ms else float('nan'):.1f} | {p(a.ms, 0.95)} | "
            f"{statistics.median(b.ms) if b.ms else float('nan'):.1f} | {p(b.ms, 0.95)} | "
            f"{max(b.ms) if b.ms else float('nan'):.0f} | {len(a.ms)} / {len(b.ms)} | {b.stale} | "
            f"{a.errors} / {b.errors} | {a.timeouts} / {b.timeouts} |"
        )
    cached = [ms for path in CACHED for ms in result.seen[path].ms]
    timeouts = sum(result.seen[path].timeouts for path in CACHED)
    if cached:
        lines += ["", f"cached reads during the import: p95 {pct(cached, 0.95):.1f} ms, {timeouts} time-outs "
                  f"(target p95 < {P95_TARGET_MS:.0f} ms, 0 time-outs)"]
    if args.probe:
        lines += ["", *slow_timeline(result.seen, args.slow_ms, result.seconds)]
        if result.probe is not None:
            lines += ["", *result.probe.report()]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated file imported")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (default 10)")
    parser.add_argument("--idle-seconds", type=float, default=15.0, help="length of the idle phase")
    parser.add_argument("--after-seconds", type=float, default=10.0,
                        help="the import phase goes on this long after the import ended (the recomputations)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds after which a request is a time-out")
    parser.add_argument("--pg", default=os.environ.get("LIFELINE_TEST_PG"), help="PostgreSQL URL (optional)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--compare", metavar="REF", help="run the code at git REF first, as the baseline")
    parser.add_argument("--nice", type=int, default=0, help="run the import under nice -n N")
    parser.add_argument("--probe", action="store_true", help="sample PostgreSQL's locks; slow requests by second")
    parser.add_argument("--slow-ms", type=float, default=500.0, help="what --probe counts as a slow request")
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
        trees = [(f"this tree ({_head(ROOT)})", ROOT)]
        if args.compare:
            base = baseline_tree(args.compare, folder / "baseline")
            trees.insert(0, (f"baseline {args.compare} ({_head(ROOT, args.compare)})", base))
        runs: list[tuple[str, str, ImportRun]] = []
        backends = [] if args.no_sqlite else ["SQLite"]
        if args.pg and not args.no_pg:
            backends.append("PostgreSQL")
        for backend in backends:
            for k, (label, tree) in enumerate(trees):
                name = f"{backend}-{k}"
                database = f"lifeline_load_{os.getpid()}_{k}"
                url = (f"sqlite:///{folder / (name + '.db')}" if backend == "SQLite"
                       else fresh_postgres(args.pg, database))
                try:
                    result = measure(name, tree, url, folder, big, args)
                finally:
                    if backend == "PostgreSQL":
                        drop_postgres(args.pg, database)
                print("\n".join(table(backend, label, result, args)), end="\n\n", flush=True)
                runs.append((backend, label, result))
        print("\n".join(side_by_side(runs, args)), flush=True)
    return 0


def side_by_side(runs: list[tuple[str, str, ImportRun]], args: argparse.Namespace) -> list[str]:
    """One table of every run: the cached reads idle against during the import, each backend and tree."""
    lines = [
        f"Cached reads ({', '.join(CACHED)}), idle and during the {args.rows:,}-row import "
        f"(target during: p95 < {P95_TARGET_MS:.0f} ms, 0 time-outs):",
        "",
        "| backend | code | import wall s | idle p50 / p95 ms | idle time-outs | import p50 / p95 ms | import max ms "
        "| import time-outs | load avg |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, label, result in runs:
        idle: dict[str, Samples] = result.idle  # type: ignore[attr-defined]
        a = [ms for path in CACHED for ms in idle[path].ms]
        b = [ms for path in CACHED for ms in result.seen[path].ms]

        def cell(values: list[float]) -> str:
            return f"{statistics.median(values):.0f} / {pct(values, 0.95):.0f}" if values else "n/a"

        lines.append(
            f"| {backend} | {label} | {result.seconds:.1f} | {cell(a)} | {sum(idle[p].timeouts for p in CACHED)} | "
            f"{cell(b)} | {max(b) if b else float('nan'):.0f} | {sum(result.seen[p].timeouts for p in CACHED)} | "
            f"{result.load[0]:.1f} → {result.load[1]:.1f} |"
        )
    return lines


def _head(root: Path, ref: str = "HEAD") -> str:
    found = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", ref], capture_output=True, text=True)
    return found.stdout.strip() or ref


if __name__ == "__main__":
    sys.exit(main())
