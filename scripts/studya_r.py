"""Run Study A's own R code on the public inputs, and compare its series with Lifeline's reproduction.

    .venv/bin/python scripts/studya_r.py run --checkout /tmp/studya-8c31f21 \
        --workbook ../shared/data/lshtm-gaza_food_data-v1-20241016.xlsx \
        --unrwa ../shared/data/unrwa-commodities-received-20240911.xlsx \
        --cogat ../shared/data/cogat-gaza-aid-data-20240924.csv --runs 100
    .venv/bin/python scripts/studya_r.py compare --r-out /tmp/studya-r-XXXX/out \
        --workbook ... --unrwa ... [--days 2024-01-20:2024-02-02]

``run`` builds a run folder in a temporary directory: ``code/`` holds the authors' scripts 01-03
from the checkout (a ``git archive`` export of github.com/francescochecchi/gaza_food_availability)
with one change, the run count (``n_runs <- 1000`` in 03) set to ``--runs``; ``in/`` links the
inputs under the names the code reads. ``scripts/studya_r_driver.R`` then sources the scripts with
the master script's seed (123, or ``--seed``) and writes the weekly results and the daily per-run series to ``out/``.
Nothing of Study A's code or output is written into the project.

``compare`` runs Lifeline's reproduction on the same workbook and list (``--lifeline-runs``, seed
123) and prints, per week and area, Lifeline's median, the R run's, the difference and the Monte
Carlo tolerance (:mod:`lifeline.model.studies.fidelity`); then, for the days asked, each daily
series (:mod:`lifeline.model.studies.fidelity_daily`). Both tables are also written as CSV files
next to the R output. Documented in docs/validation.md.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

SCRIPTS = ("01_read_prepare_inputs.R", "02_clean_trucking_data.R", "03_estimate_kcal_capita.R")
RUN_COUNT = re.compile(r"^(\s*n_runs <- )1000(\s*)$", re.MULTILINE)
# The names scripts 01 and 02 read from in/ (01: fixed names; 02: the last file matching "Commodities").
WORKBOOK_NAME = "gaza_food_data.xlsx"
COGAT_NAME = "gaza_cogat_data_24sep2024.csv"


class Refused(Exception):
    """Bad input: one line for the user, exit status 2."""


def prepare(checkout: Path, workbook: Path, unrwa: Path, cogat: Path, runs: int, folder: Path) -> None:
    """The run folder: the authors' scripts with the run count injected, and the inputs linked by name."""
    for p, what in ((workbook, "--workbook"), (unrwa, "--unrwa"), (cogat, "--cogat")):
        if not p.is_file():
            raise Refused(f"{p}: not found ({what})")
    stamp = re.search(r"(\d{8})", unrwa.name)
    if not stamp or unrwa.suffix.lower() != ".xlsx":
        raise Refused(f"{unrwa}: expected UNRWA's line list as .xlsx with its date (YYYYMMDD) in the name")
    if runs < 2:
        raise Refused(f"--runs {runs}: expected at least 2 runs (quantiles across runs)")
    (folder / "code").mkdir(parents=True)
    (folder / "in").mkdir()
    for name in SCRIPTS:
        src = checkout / "code" / name
        if not src.is_file():
            raise Refused(f"{src}: not found: expected a checkout of gaza_food_availability (code/{name})")
        text = src.read_bytes().decode("utf-8")
        if name.startswith("03"):
            text, n = RUN_COUNT.subn(lambda m: f"{m.group(1)}{runs}{m.group(2)}", text)
            if n != 1:
                raise Refused(f"{src}: expected exactly one line 'n_runs <- 1000' to set the run count, found {n}")
        (folder / "code" / name).write_bytes(text.encode("utf-8"))
    (folder / "in" / WORKBOOK_NAME).symlink_to(workbook.resolve())
    (folder / "in" / f"{stamp.group(1)}_Commodities Received.xlsx").symlink_to(unrwa.resolve())
    (folder / "in" / COGAT_NAME).symlink_to(cogat.resolve())


def run_r(folder: Path, seed: int = 123) -> float:
    """Source the scripts through the driver; the R log goes to ``folder/r.log``. Returns wall seconds."""
    rscript = shutil.which("Rscript")
    if not rscript:
        raise Refused("Rscript: not found on PATH (install R 4.x and the packages listed in docs/validation.md)")
    t0 = time.monotonic()
    with (folder / "r.log").open("wb") as log:
        cmd = [rscript, str(HERE / "studya_r_driver.R"), str(folder), str(seed)]
        done = subprocess.run(cmd, stdout=log, stderr=log)
    if done.returncode != 0:
        raise Refused(f"{folder / 'r.log'}: the R run failed (exit {done.returncode}); see the log")
    return time.monotonic() - t0


def lifeline_run(workbook: Path, unrwa: Path, runs: int, seed: int):  # type: ignore[no-untyped-def]
    """Lifeline's reproduction on the same inputs, from a throw-away store holding only the UNRWA list."""
    from lifeline.assumptions import load_set
    from lifeline.ingest.service import import_file
    from lifeline.model.studies import checchi, run
    from lifeline.model.studies.workbook import read_workbook
    from lifeline.store.engine import open_store

    with tempfile.TemporaryDirectory(prefix="lifeline-studya-") as tmp:
        engine = open_store(f"sqlite:///{Path(tmp) / 'lifeline.db'}")
        import_file(engine, unrwa, rules=load_set("normalisation"))
        wb = read_workbook(workbook)
        with engine.connect() as conn:
            frame, _ = run.unrwa_rows(conn, None, wb)
        engine.dispose()
    return checchi.simulate(wb, frame, runs=runs, seed=seed)


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def compare(
    r_out: Path, workbook: Path, unrwa: Path, runs: int, seed: int, days: str | None, week: str | None = None
) -> None:
    import numpy as np

    from lifeline.model.studies import checchi, fidelity, fidelity_daily

    ref_weekly = fidelity.read_reference(r_out)
    ref_daily = fidelity_daily.read_daily(r_out)
    sim = lifeline_run(workbook, unrwa, runs, seed)
    per_run, weeks = checchi.weekly_runs(sim)
    if fidelity.reference_runs(r_out) != ref_daily.runs:
        raise Refused(f"{r_out / fidelity.RUNS_FILE}: n_runs differs from the runs in {fidelity_daily.DAILY_FILE}")
    cells = fidelity.compare(per_run, weeks, ref_weekly, reference_runs=ref_daily.runs)
    weekly_rows = [
        {
            "week": c.week, "area": c.area, "statistic": c.stat, "lifeline": round(c.lifeline, 1),
            "r": round(c.reference, 1), "difference": round(c.lifeline - c.reference, 1),
            "difference_pct": round(c.difference_pct, 2), "tolerance_pct": round(c.tolerance_pct, 2),
            "outside": c.outside,
        }
        for c in cells
    ]
    print(f"weekly kcal/person/day, medians: Lifeline {sim.runs} runs (seed {seed}) vs R {ref_daily.runs} runs")
    print(f"{'week':10} {'area':13} {'Lifeline':>9} {'R':>9} {'diff %':>7} {'tol %':>6}  flag")
    for c in cells:
        if c.stat == "est":
            flag = "OUTSIDE" if c.outside else ""
            print(
                f"{c.week:10} {c.area:13} {c.lifeline:9.0f} {c.reference:9.0f} "
                f"{c.difference_pct:7.1f} {c.tolerance_pct:6.1f}  {flag}"
            )
    for s in fidelity.summarise(cells):
        print(
            f"{s.area}: median abs error {s.median_abs_pct:.2f} %, max {s.max_abs_pct:.1f} % ({s.max_week}); "
            f"medians outside {len(s.medians_outside)} of {s.weeks} {s.medians_outside}; weeks with any "
            f"statistic outside {s.weeks_outside}"
        )
    # The R run's own weekly figures, re-aggregated from its daily series with Lifeline's functions:
    # if these differ from its 03_kcal_capita_by_area.csv, the aggregation (not the model) differs.
    rw, rweeks = fidelity_daily.weekly_from_daily(ref_daily, np.datetime64(str(weeks[0]), "D"))
    med = np.median(rw, axis=0)
    worst = max(
        abs(med[i, j] - ref_weekly[(str(w), a)]["est"])
        for i, w in enumerate(rweeks)
        for j, a in enumerate(fidelity.AREAS)
        if (str(w), a) in ref_weekly
    )
    print(f"aggregation check: R's daily series through Lifeline's weekly aggregation vs R's weekly: "
          f"max |diff| {worst:.3g} kcal/person/day")
    _write(r_out / "compare_weekly.csv", weekly_rows)
    if week:
        day, area = week.rsplit(":", 1) if ":" in week else (week, "south-central")
        wi, ai = [str(w) for w in weeks].index(day), list(fidelity.AREAS).index(area)
        pc = sim.result.consumed / sim.result.population
        ref_pc = np.stack([ref_daily.values["per_capita"][a] for a in fidelity.AREAS], axis=2)
        cc = fidelity_daily.cap_conditional(per_run[:, wi, ai], pc[:, 0, ai], rw[:, wi, ai], ref_pc[:, 0, ai])
        print(f"\nweek of {day}, {area}: deciles of the runs' weekly values (kcal/person/day)")
        print("  Lifeline " + " ".join(f"{x:6.0f}" for x in cc.deciles_lifeline))
        print("  R        " + " ".join(f"{x:6.0f}" for x in cc.deciles_reference))
        print(
            f"  against each run's cap (first-day consumption per person): slope Lifeline {cc.slope_lifeline:.2f}, "
            f"R {cc.slope_reference:.2f}; R runs' mean residual from Lifeline's fit "
            f"{cc.residual_mean:+.0f} +/- {cc.residual_se:.0f} kcal"
        )
    first, last = (days.split(":") + [None])[:2] if days else (None, None)
    daily = fidelity_daily.compare(fidelity_daily.lifeline_daily(sim), sim.constants.days, ref_daily)
    _write(
        r_out / "compare_daily.csv",
        [
            {"day": dc.day, "area": dc.area, "series": dc.series, "lifeline": round(dc.lifeline, 1),
             "r": round(dc.reference, 1), "difference": round(dc.difference, 1),
             "tolerance": round(dc.tolerance, 1), "outside": dc.outside}
            for dc in daily
        ],
    )
    if first:
        print(f"\ndaily medians (kcal/day, per_capita in kcal/person/day), {first} to {last or first}")
        print(f"{'day':10} {'area':13} {'series':10} {'Lifeline':>16} {'R':>16} {'diff':>14} {'tol':>13}  flag")
        for dc in daily:
            if first <= dc.day <= (last or first):
                flag = "OUTSIDE" if dc.outside else ""
                print(
                    f"{dc.day:10} {dc.area:13} {dc.series:10} {dc.lifeline:16,.0f} {dc.reference:16,.0f} "
                    f"{dc.difference:14,.0f} {dc.tolerance:13,.0f}  {flag}"
                )
    print(f"\nwritten: {r_out / 'compare_weekly.csv'}, {r_out / 'compare_daily.csv'}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("run", "compare"):
        s = sub.add_parser(name)
        s.add_argument("--workbook", type=Path, required=True, help="Study A's gaza_food_data.xlsx")
        s.add_argument("--unrwa", type=Path, required=True, help="UNRWA's line list (.xlsx) of the same version")
        if name == "run":
            s.add_argument("--checkout", type=Path, required=True, help="export of the study's repository")
            s.add_argument("--cogat", type=Path, required=True, help="COGAT's aid list (script 01 reads it)")
            s.add_argument("--runs", type=int, default=100, help="R runs (the study: 1,000; default 100)")
            s.add_argument("--out", type=Path, help="run folder (default: a new temporary folder)")
            s.add_argument("--seed", type=int, default=123, help="R seed (the study's master script: 123)")
        else:
            s.add_argument("--r-out", type=Path, required=True, help="out/ folder of a `run`")
            s.add_argument("--lifeline-runs", type=int, default=1000)
            s.add_argument("--seed", type=int, default=123)
            s.add_argument("--days", help="FIRST[:LAST] ISO days to print daily (all days go to the CSV)")
            s.add_argument("--week", help="WEEK[:AREA], e.g. 2024-01-27:south-central: deciles, cap-conditional check")
    a = p.parse_args(argv)
    try:
        if a.command == "run":
            folder = a.out or Path(tempfile.mkdtemp(prefix="studya-r-"))
            if a.out and a.out.exists() and any(a.out.iterdir()):
                raise Refused(f"{a.out}: exists and is not empty")
            prepare(a.checkout, a.workbook, a.unrwa, a.cogat, a.runs, folder)
            print(f"R run folder: {folder} ({a.runs} runs, seed {a.seed}); log: {folder / 'r.log'}", flush=True)
            wall = run_r(folder, a.seed)
            print(f"done in {wall:.0f} s: outputs in {folder / 'out'}")
        else:
            compare(a.r_out, a.workbook, a.unrwa, a.lifeline_runs, a.seed, a.days, a.week)
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # BadFile and UserError from the comparison carry their one line
        from lifeline.errors import UserError

        if isinstance(exc, UserError):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
