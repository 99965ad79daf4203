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


# Run by a small interpreter of its own: a child's ru_maxrss starts from the size of the process that
# forked it (Linux keeps the forker's high-water mark across exec), so a child of pytest or of a bench
# that has loaded polars would report that size, not its own. This launcher is ~10 MB; it runs the
# step, polls its resident memory (to stop it at a ceiling), reaps it with wait4 for the exact peak and
# writes the figures to a file.
_LAUNCHER = r"""
import json, os, signal, subprocess, sys, time
spec = json.loads(sys.argv[1])
with open(spec["stdout"], "w") as out, open(spec["stderr"], "w") as err:
    started = time.perf_counter()
    proc = subprocess.Popen(spec["argv"], stdout=out, stderr=err, cwd=spec["cwd"])
    stopped = ""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss = 0
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                rss = next((int(l.split()[1]) for l in fh if l.startswith("VmRSS:")), 0)
        except OSError:
            pass
        if not stopped and spec["ceiling_kb"] and rss > spec["ceiling_kb"]:
            ceiling = spec["ceiling_kb"] * 1024 / 1e6
            stopped = f"stopped at {rss * 1024 / 1e6:,.0f} MB resident (ceiling {ceiling:,.0f} MB)"
            proc.kill()
        elif not stopped and time.perf_counter() - started > spec["timeout"]:
            stopped = f"stopped after {spec['timeout']:g} s"
            proc.kill()
        time.sleep(0.01)
    wall = time.perf_counter() - started
with open(spec["result"], "w") as fh:
    json.dump({"status": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss, "wall": wall,
               "stopped": stopped}, fh)
"""


@dataclass
class Measured:
    """One child process's exit status, output, exact peak resident memory and wall time."""

    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    peak_mb: float  # ru_maxrss of that process alone, decimal MB
    seconds: float  # wall time of the whole process, interpreter start-up included
    stopped: str  # why the launcher stopped it (over the ceiling, over the time), or ""


def run_measured(
    argv: Sequence[str], ceiling_mb: float | None = None, timeout: float = 900, cwd: Path = ROOT
) -> Measured:
    """Run ``argv`` in a child of a small launcher; stop it above ``ceiling_mb`` resident or after ``timeout`` s.

    The resident size is polled every 10 ms, so a child may pass the ceiling by what it allocates in
    that time before it is stopped; ``peak_mb`` is the exact peak either way (from ``wait4``).
    """
    with tempfile.TemporaryDirectory(prefix="lifeline-measure-") as tmp:
        folder = Path(tmp)
        spec = {
            "argv": list(argv), "cwd": str(cwd), "timeout": timeout,
            "ceiling_kb": int(ceiling_mb * 1e6 / 1024) if ceiling_mb else 0,
            "stdout": str(folder / "out"), "stderr": str(folder / "err"), "result": str(folder / "result.json"),
        }  # fmt: skip
        subprocess.run([sys.executable, "-I", "-S", "-c", _LAUNCHER, json.dumps(spec)], check=True)
        result = json.loads((folder / "result.json").read_text())
        stdout = (folder / "out").read_text(errors="replace")
        stderr = (folder / "err").read_text(errors="replace")
    return Measured(
        int(result["status"]), stdout, stderr, result["maxrss_kb"] * 1024 / 1e6, float(result["wall"]),
        result["stopped"],
    )  # fmt: skip


def run_child(name: str, argv: Sequence[str], target: str = "", timeout: float = 900) -> StepResult:
    """Run ``argv`` as a child process and measure its peak memory; a failed step is reported, not raised."""
    run = run_measured(argv, timeout=timeout)
    measured = [line for line in run.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if run.returncode != 0 or not measured:
        last = (run.stderr.strip().splitlines() or [run.stopped or "no output"])[-1]
        return StepResult(name, None, None, run.peak_mb, f"failed (exit {run.returncode}): {last[:160]}", target)
    data: dict[str, Any] = json.loads(measured[-1][len(RESULT_PREFIX):])
    note = data.get("note") or f"process wall {run.seconds:.2f} s"
    return StepResult(name, int(data["rows"]), float(data["seconds"]), run.peak_mb, note, target)


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
