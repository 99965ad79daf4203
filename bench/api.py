"""API and page latency with the real line lists and the reference set loaded: p50 / p95 at 1 and 50
concurrent clients on loopback, plus each page's server time (cold, then from the answer cache).

Run: ``.venv/bin/python bench/api.py [--requests N]``. Needs ../shared/data. Prints a Markdown table
for docs/performance.md and exits 1 when a target is missed.
Targets (issue 5): API p95 under 50 ms at 50 clients; each page's server time under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
FILES = ["unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv",
         "lshtm-gaza_food_data-journal-20250508.xlsx"]
API = [
    "/api/v1/deliveries?by=month",
    "/api/v1/deliveries?by=day&group=crossing&limit=500",
    "/api/v1/access?by=day&limit=500",
    "/api/v1/access/throughput",
    "/api/v1/sources/compare",
    "/api/v1/coverage?source=UNRWA",
    "/api/v1/datasets",
]
PAGES = ["/", "/access", "/coverage", "/sources", "/map", "/data", "/?lang=ar"]
API_P95_TARGET_MS = 50.0
PAGE_SERVER_TARGET_MS = 300.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_ms(response: httpx.Response) -> float:
    timing = response.headers.get("server-timing", "app;dur=nan")
    return float(timing.split("dur=")[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def load(base: str, path: str, clients: int, total: int) -> tuple[list[float], list[float]]:
    """``total`` requests to ``path`` from ``clients`` concurrent connections: wall and server ms."""
    walls: list[float] = []
    servers: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(total):
        queue.put_nowait(i)

    async def client() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
            await http.get(path)  # open the keep-alive connection first: connection set-up is not latency
            await ready.wait()
            while True:
                try:
                    queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                r = await http.get(path)
                walls.append((time.perf_counter() - started) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {r.status_code} {r.text[:200]}")
                servers.append(server_ms(r))

    ready = asyncio.Event()
    tasks = [asyncio.create_task(client()) for _ in range(clients)]
    await asyncio.sleep(0.5)  # every client connected
    ready.set()
    await asyncio.gather(*tasks)
    return walls, servers


def run(coroutine):  # type: ignore[no-untyped-def]
    """Run the client on uvloop (as the server does) so the client's own overhead stays small."""
    import gc

    import uvloop

    gc.disable()  # the load generator's own collections would show up as server latency
    try:
        return uvloop.run(coroutine)
    finally:
        gc.enable()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500, help="requests per URL at 50 clients")
    args = parser.parse_args()
    missing = [f for f in FILES if not (SHARED / f).exists()]
    if missing:
        print(f"bench/api.py: skipped, ../shared/data lacks {', '.join(missing)}")
        return 0
    from lifeline.cli.serve import build_demo

    folder = Path(tempfile.mkdtemp(prefix="lifeline-bench-api-"))
    data = folder / "data"
    data.mkdir()
    for name in FILES:
        (data / name).symlink_to(SHARED / name)
    url = f"sqlite:///{folder / 'bench.db'}"
    started = time.perf_counter()
    build_demo(url, data, say=lambda _m: None)
    print(f"store built (reference set + UNRWA + COGAT) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    port = free_port()
    command = [str(Path(sys.executable).with_name("lifeline")), "--db", url, "serve", "--port", str(port)]
    log = (folder / "server.log").open("w")
    base = f"http://127.0.0.1:{port}"
    rows: list[str] = []
    failed: list[str] = []

    def start(warm: str) -> subprocess.Popen[bytes]:
        env = os.environ | {"LIFELINE_WARM": warm, "LIFELINE_STUDY_WORKBOOK": str(data / FILES[2])}
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(1200):  # up to 2 minutes: warming computes every page's answers first
            try:
                health = httpx.get(base + "/api/v1/health", timeout=1).json()
                if health["warm"] in ("off", "done", "failed"):
                    return proc
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not start")

    # 1. Cold: a server without warm-up; the first hit of each URL computes its answer.
    proc = start("0")
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            cold = {path: server_ms(http.get(path)) for path in PAGES + API}
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    # 2. Serving: as `lifeline serve` runs by default, after its start-up warm-up.
    proc = start("1")
    try:
        for path in PAGES + API:
            w1, s1 = run(load(base, path, 1, max(20, args.requests // 10)))
            w50, s50 = run(load(base, path, 50, args.requests))
            is_api = path.startswith("/api/")
            ok = (pct(w50, 0.95) < API_P95_TARGET_MS) if is_api else (pct(s1, 0.95) < PAGE_SERVER_TARGET_MS)
            if not ok:
                failed.append(path)
            rows.append(
                f"| `{path}` | {cold[path]:.0f} | {statistics.median(s1):.1f} | {pct(s1, 0.95):.1f} | "
                f"{statistics.median(w1):.1f} | {pct(w1, 0.95):.1f} | {statistics.median(w50):.1f} | "
                f"{pct(w50, 0.95):.1f} | {'API p95@50 < 50' if is_api else 'server < 300'} {'✓' if ok else '✗'} |"
            )
    except Exception:
        print((folder / "server.log").read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    print("| URL | cold server ms | server p50 ms (1 client) | server p95 | wall p50 (1 client) | wall p95 | "
          "wall p50 (50 clients) | wall p95 (50 clients) | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if failed:
        print(f"targets missed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
