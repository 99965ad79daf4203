"""Whole-process time of everyday CLI commands, side by side with ``python -c pass`` and with main.

Every command runs as a user runs it (the console script, a fresh process), ``--repeat`` times;
the table shows the median and the fastest run. The store is a temporary SQLite file holding the
real UNRWA (2024-11-11) and COGAT line lists of ``../shared/data``, imported by the CLI under test.
``--baseline PATH`` (default: ``/work/main/.venv/bin/lifeline`` when present) names a second
``lifeline`` script to measure the same way against its own temporary store, read only: it is run,
never changed (``PYTHONDONTWRITEBYTECODE`` keeps it from writing byte-code next to its sources).

    python bench/cli.py [--repeat 5] [--baseline PATH | --no-baseline]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, SHARED_DATA, machine  # noqa: E402

LISTS = ("unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv")
COMMANDS: list[tuple[str, list[str], float]] = [  # label, arguments, target seconds
    ("lifeline --help", ["--help"], 0.3),
    ("lifeline datasets", ["datasets"], 0.8),
    ("lifeline deliveries", ["deliveries"], 0.8),
    ("lifeline access", ["access"], 0.8),
]
DEFAULT_BASELINE = Path("/work/main/.venv/bin/lifeline")


def timed(argv: list[str], env: dict[str, str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each of ``repeat`` runs of ``argv`` (output
    discarded; a failure stops the bench). CPU time moves less than wall time when others load
    the shared machine."""
    runs, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, timeout=300)
        runs.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return runs, cpu


def store_env(script: Path, folder: Path) -> dict[str, str]:
    """An environment whose store is a new SQLite file in ``folder`` holding the real lists."""
    env = dict(os.environ, LIFELINE_DB=f"sqlite:///{folder / 'bench.db'}", COLUMNS="150",
               PYTHONDONTWRITEBYTECODE="1")
    files = [str(SHARED_DATA / name) for name in LISTS]
    subprocess.run([str(script), "import", *files], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT,
                   timeout=900)
    return env


def summary(measured: tuple[list[float], list[float]]) -> str:
    wall, cpu = measured
    return f"{statistics.median(wall):.2f} (min {min(wall):.2f}, cpu {statistics.median(cpu):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    missing = [name for name in LISTS if not (SHARED_DATA / name).exists()]
    if missing:
        raise SystemExit(f"bench/cli.py needs {', '.join(missing)} in {SHARED_DATA}")
    here = Path(sys.executable).with_name("lifeline")
    baseline = None if args.no_baseline or not args.baseline.exists() else args.baseline
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-cli-") as tmp:
        floor = timed([sys.executable, "-c", "pass"], dict(os.environ), args.repeat)
        scripts = {"this tree": here, **({"baseline": baseline} if baseline else {})}
        envs = {}
        for label, script in scripts.items():
            folder = Path(tmp) / label.replace(" ", "-")
            folder.mkdir()
            envs[label] = store_env(script, folder)
        results = {label: [timed([str(script), *argv], envs[label], args.repeat) for _, argv, _ in COMMANDS]
                   for label, script in scripts.items()}
    header = ["command", "python -c pass s", "this tree s", *(["baseline s"] if baseline else []), "target s"]
    rows = []
    for i, (label, _argv, target) in enumerate(COMMANDS):
        rows.append([label, summary(floor), summary(results["this tree"][i]),
                     *([summary(results["baseline"][i])] if baseline else []), f"< {target}"])
    widths = [max(len(r[k]) for r in [header, *rows]) for k in range(len(header))]
    print(f"CLI start-up and everyday queries, whole process, wall seconds: median of {args.repeat} runs "
          "(fastest, median CPU user + system)")
    print(machine())
    print(f"baseline: {baseline or 'none'}; store: real UNRWA + COGAT lists in a temporary SQLite file\n")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
