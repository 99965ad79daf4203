"""Memory bench: peak resident memory and wall time of importing one file of each class, and of refusing
each hostile file of issue 15, every one in a process of its own.

Run ``python bench/memory.py`` (``--pg URL`` or ``LIFELINE_TEST_PG`` adds PostgreSQL imports; ``--quick``
leaves out the two files that take longest to build: the 1.5 GB shared-string bomb and the 200 MB cell).
Each file is imported by the ``lifeline`` command as a user would run it: a dry run and an import
into a fresh SQLite store (and a fresh PostgreSQL database), so the figure is the whole process
(interpreter, imports, reading, checking, storing). Peak is ``ru_maxrss`` of that process alone
(``bench._common.run_measured``); the ceilings are ``lifeline.ingest.limits.MEMORY_CEILING_MB`` for a
file that is imported and ``REFUSAL_CEILING_MB`` for one that is refused, documented in
docs/importers.md ("Memory") with the figures in docs/performance.md ("Memory by file class").

Files: the real lists of ``../shared/data`` (skipped when absent), the 1,000,000-row HXL file of
``bench/ingest.py``, an HXL JSON table and an xlsx sheet near their size limits (generated), and the
hostile files of ``tests/ingest/hostile.py`` at the sizes issue 15 found them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, SHARED_DATA, Measured, machine, run_measured  # noqa: E402
from lifeline.ingest import limits  # noqa: E402  (names only: no reader is loaded in this process)

LIFELINE = ROOT / ".venv" / "bin" / "lifeline"
BIG_ROWS = 1_000_000
JSON_ROWS = 500_000  # about 50 MB of HXL JSON: under MAX_JSON_BYTES (64 MB)
XLSX_ROWS = 300_000  # 8 columns: 2.4 M cells, its sheet about 150 MB inflated (limits: 5 M cells, 256 MB)

REAL = [
    ("CSV (UNRWA line list)", "unrwa-commodities-received-20241111.csv"),
    ("XLSX (UNRWA line list)", "unrwa-commodities-received-20241111.xlsx"),
    ("CSV (COGAT line list)", "cogat-gaza-aid-data-20240924.csv"),
    ("HXL CSV (IDMC events)", "idmc-event-data-pse-2024-12_2025-06.csv"),
    ("JSON (gazamaps orders)", "gazamaps-idf-displacement-orders.json"),
]
STOP_MB = 4000  # a run is stopped here (4x the ceiling): the table shows by how much a class is over
SLOW_TO_BUILD = {"xlsx: shared strings inflating to 1.5 GB", "xlsx: one 200 MB cell"}


@dataclass
class Case:
    label: str
    path: Path
    hostile: bool


# ---------------------------------------------------------------- files (built in a child process)


def build_generated(folder: Path) -> dict[str, str]:
    """The generated files of the size class: the 1M-row HXL CSV, and JSON and xlsx tables near their limits."""
    from bench.ingest import HXL_HEADER, HXL_TAGS, generate

    big = generate(folder / "deliveries-1000000.csv", BIG_ROWS)
    lines = big.read_text(encoding="utf-8").splitlines()
    json_path = folder / "deliveries-500000.json"
    with json_path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps([HXL_HEADER, HXL_TAGS])[:-1])
        for line in lines[2 : 2 + JSON_ROWS]:
            fh.write(", " + json.dumps(line.split(",")))
        fh.write("]")
    xlsx_path = folder / f"deliveries-{XLSX_ROWS}.xlsx"
    _sheet_xlsx(xlsx_path, [HXL_HEADER, HXL_TAGS, *(line.split(",") for line in lines[2 : 2 + XLSX_ROWS])])
    return {
        "HXL CSV (1M rows, bench/ingest.py)": str(big),
        f"HXL JSON ({JSON_ROWS // 1000}k rows, generated)": str(json_path),
        f"HXL XLSX ({XLSX_ROWS // 1000}k rows x 8, generated)": str(xlsx_path),
    }


def _sheet_xlsx(path: Path, rows: list[list[str]]) -> None:
    """An xlsx of ``rows`` (inline strings, numbers as numbers), its sheet XML written as it goes."""
    from xml.sax.saxutils import escape

    from tests.ingest.hostile import SHEET_XML, xlsx_with_sheet

    def letters(n: int) -> str:
        out = ""
        while n:
            n, r = divmod(n - 1, 26)
            out = chr(65 + r) + out
        return out

    columns = [letters(i + 1) for i in range(len(rows[0]))]

    def blocks() -> object:
        head, tail = SHEET_XML.split("{rows}")
        yield head.encode()
        for number, row in enumerate(rows, start=1):
            cells = []
            for column, value in zip(columns, row, strict=True):
                ref = f"{column}{number}"
                try:
                    float(value)
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                except ValueError:
                    cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
            yield f'<row r="{number}">{"".join(cells)}</row>'.encode()
        yield tail.encode()

    xlsx_with_sheet(path, blocks())  # type: ignore[arg-type]


def build_hostile(folder: Path, quick: bool) -> dict[str, str]:
    from tests.ingest.hostile import ISSUE_SIZES

    chosen = {name: make for name, (make, _says) in ISSUE_SIZES.items() if not (quick and name in SLOW_TO_BUILD)}
    return {name: str(make(folder)) for name, make in chosen.items()}


# ---------------------------------------------------------------- the run


def import_argv(db: str, path: Path, dry_run: bool) -> list[str]:
    return [str(LIFELINE), "--db", db, "import", *(["--dry-run"] if dry_run else []), "--format", "json", str(path)]


def outcome(run: Measured) -> tuple[str, str]:
    """(rows read, what happened) from the command's JSON report or its one refusal line."""
    if run.stopped:
        return "", run.stopped
    if run.returncode in (0, 1):
        try:
            report = json.loads(run.stdout)["datasets"][0]
        except (ValueError, KeyError, IndexError):
            return "", f"exit {run.returncode}, no report"
        verb = "would store" if report.get("outcome") != "stored" else "stored"
        stored = report["rows_imported"] + report.get("rows_changed", 0)
        return f"{report['rows_read']:,}", f"{verb} {stored:,}, rejected {report['rows_rejected']:,}"
    lines = run.stderr.strip().splitlines()
    if run.returncode == 2 and len(lines) == 1 and "Traceback" not in run.stderr:
        return "", "refused: " + lines[0].split(": ", 3)[-1]
    return "", f"exit {run.returncode}: {(lines or ['no output'])[-1][:100]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("LIFELINE_TEST_PG"), help="PostgreSQL URL (optional)")
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL imports")
    parser.add_argument("--quick", action="store_true", help="leave out the two slowest files to build")
    parser.add_argument("--only", help="run only the cases whose label contains this text")
    parser.add_argument("--build", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:  # child: build the files, print where they are
        builders: dict[str, Callable[[Path], dict[str, str]]] = {
            "generated": build_generated,
            "hostile": lambda folder: build_hostile(folder, args.quick),
        }
        print(json.dumps(builders[args.build](Path(args.folder))))
        return 0

    from bench.ingest import drop_postgres, fresh_postgres

    me = Path(__file__).resolve()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="lifeline-memory-") as tmp:
        work = Path(tmp)
        cases = [Case(label, SHARED_DATA / name, False) for label, name in REAL if (SHARED_DATA / name).exists()]
        for kind in ("generated", "hostile"):
            # built in a child: this process stays small and never loads polars or openpyxl
            extra = [] if kind == "generated" else (["--quick"] if args.quick else [])
            built = run_measured([sys.executable, str(me), "--build", kind, "--folder", str(work), *extra])
            if built.returncode != 0:
                print(f"building the {kind} files failed: {built.stderr.strip()[-300:]}", file=sys.stderr)
                return 1
            paths: dict[str, str] = json.loads(built.stdout.strip().splitlines()[-1])
            cases += [Case(label, Path(path), kind == "hostile") for label, path in paths.items()]
        if args.only:
            cases = [c for c in cases if args.only.lower() in c.label.lower()]
        backends = ["SQLite"] + (["PostgreSQL"] if args.pg and not args.no_pg else [])
        database = f"lifeline_memory_{os.getpid()}"
        for case in cases:
            size = case.path.stat().st_size
            for backend in backends:
                for dry_run in (True, False):
                    if backend == "PostgreSQL" and dry_run:
                        continue  # a dry run reads the same way whatever the store
                    if backend == "SQLite":
                        db = f"sqlite:///{work / 'store.db'}"
                        (work / "store.db").unlink(missing_ok=True)
                    else:
                        db = fresh_postgres(args.pg, database)
                    ceiling = limits.REFUSAL_CEILING_MB if case.hostile else limits.MEMORY_CEILING_MB
                    run = run_measured(import_argv(db, case.path, dry_run), ceiling_mb=STOP_MB, timeout=600)
                    read, said = outcome(run)
                    mode = "dry run" if dry_run else f"import ({backend})"
                    within = "yes" if run.peak_mb <= ceiling else "**no**"
                    rows.append([
                        case.label, f"{size / 1e6:,.1f} MB", read, mode, f"{run.peak_mb:,.0f}", f"{ceiling:,}",
                        within, f"{run.seconds:.1f}", said.replace("|", "/"),
                    ])  # fmt: skip
                    print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
        (work / "store.db").unlink(missing_ok=True)
        if "PostgreSQL" in backends:
            drop_postgres(args.pg, database)
    header = ["file class", "size", "rows", "run", "peak MB", "ceiling MB", "within", "wall s", "outcome"]
    print("Lifeline memory by file class (each run a fresh `lifeline` process; peak = its ru_maxrss)")
    print(machine())
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
