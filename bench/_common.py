"""Shared benchmark plumbing: run each step in its own child process and read its wall time and peak memory.

A step runs in a fresh interpreter so its peak resident memory (``ru_maxrss`` of that one child,
read with ``os.wait4``) is its own and not the largest of everything run before it. The child
prints one JSON line with the rows it handled and the seconds the step took (interpreter start-up
excluded); the parent adds the peak memory and renders one table for the whole run.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
RESULT_PREFIX = "BENCH-RESULT "


@dataclass
class StepResult:
    """One measured step: what, how many rows, how long, how much memory at peak, and a note."""

    name: str
    rows: int | None
    seconds: float | None
    peak_mb: float | None
    note: str = ""
    target: str = ""

    @property
    def rows_per_s(self) -> float | None:
        if not self.rows or not self.seconds:
            return None
        return self.rows / self.seconds


def report_from_child(rows: int, seconds: float, note: str = "") -> None:
    """Called by a child step: hand the measurement back to the parent on stdout."""
    print(RESULT_PREFIX + json.dumps({"rows": rows, "seconds": seconds, "note": note}), flush=True)


def run_child(name: str, argv: Sequence[str], target: str = "", timeout: float = 900) -> StepResult:
    """Run ``argv`` as a child process and measure its peak memory; a failed step is reported, not raised."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, text=True, cwd=ROOT)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        # Reap the child ourselves: os.wait4 returns that one child's rusage (ru_maxrss in KiB on Linux).
        _pid, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak_mb = usage.ru_maxrss * 1024 / 1e6  # decimal megabytes, the unit of the "500 MB"
    measured = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not measured:
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        return StepResult(name, None, None, peak_mb, f"failed (exit {proc.returncode}): {last[:160]}", target)
    data: dict[str, Any] = json.loads(measured[-1][len(RESULT_PREFIX):])
    note = data.get("note") or f"process wall {wall:.2f} s"
    return StepResult(name, int(data["rows"]), float(data["seconds"]), peak_mb, note, target)


def python_child(script: Path, *args: str) -> list[str]:
    """The argv to run a step of ``script`` in a fresh interpreter of this virtualenv."""
    return [sys.executable, str(script), *args]


def machine() -> str:
    """A one-line description of the machine, for the record in docs/performance.md."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        mem = "RAM unknown"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {mem}, load {load:.1f}; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def _fmt(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else format(value, pattern)


def render(title: str, results: Sequence[StepResult]) -> str:
    """One plain-text table of every step, side by side."""
    header = ["step", "rows", "wall s", "rows/s", "peak MB", "target", "note"]
    body = [
        [
            r.name,
            _fmt(r.rows, ","),
            _fmt(r.seconds, ".3f"),
            _fmt(r.rows_per_s, ",.0f"),
            _fmt(r.peak_mb, ".0f"),
            r.target,
            r.note if len(r.note) <= 90 else r.note[:87] + "...",
        ]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = [title, machine(), "", "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    for row in body:
        cells = enumerate(zip(row, widths, strict=True))
        out.append("  ".join(c.rjust(w) if 1 <= i <= 4 else c.ljust(w) for i, (c, w) in cells))
    return "\n".join(out)
