"""The R-run script's preparation and the daily comparison with an R run, on synthetic files (R is not run here:
an R run of Study A takes minutes to an hour, so it is a script, scripts/studya_r.py, not a test)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from lifeline.errors import BadFile
from lifeline.model.studies import fidelity_daily

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "studya_r.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("studya_r", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _checkout(root: Path, runs_line: str = "    n_runs <- 1000\r\n") -> Path:
    code = root / "checkout" / "code"
    code.mkdir(parents=True)
    (code / "01_read_prepare_inputs.R").write_bytes(b"x <- 1\r\n")
    (code / "02_clean_trucking_data.R").write_bytes(b"y <- 2\r\n")
    (code / "03_estimate_kcal_capita.R").write_bytes(f"  # Number of runs\r\n{runs_line}z <- 3\r\n".encode())
    return root / "checkout"


def _inputs(root: Path) -> list[Path]:
    paths = [root / "wb.xlsx", root / "unrwa-commodities-received-20240911.xlsx", root / "cogat.csv"]
    for p in paths:
        p.write_bytes(b"data")
    return paths


def test_prepare_injects_only_the_run_count_and_links_the_inputs_by_the_names_the_code_reads(tmp_path: Path) -> None:
    mod = _script()
    wb, unrwa, cogat = _inputs(tmp_path)
    folder = tmp_path / "run"
    mod.prepare(_checkout(tmp_path), wb, unrwa, cogat, 50, folder)
    injected = (folder / "code" / "03_estimate_kcal_capita.R").read_bytes()
    assert injected == b"  # Number of runs\r\n    n_runs <- 50\r\nz <- 3\r\n"
    assert (folder / "code" / "01_read_prepare_inputs.R").read_bytes() == b"x <- 1\r\n"
    assert (folder / "code" / "02_clean_trucking_data.R").read_bytes() == b"y <- 2\r\n"
    links = {p.name: p.resolve() for p in (folder / "in").iterdir()}
    assert links == {
        "gaza_food_data.xlsx": wb.resolve(),
        "20240911_Commodities Received.xlsx": unrwa.resolve(),
        "gaza_cogat_data_24sep2024.csv": cogat.resolve(),
    }


def test_a_checkout_whose_run_count_line_changed_is_refused_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mod = _script()
    wb, unrwa, cogat = _inputs(tmp_path)
    checkout = _checkout(tmp_path, runs_line="    n_runs <- 500\n")
    args = ["run", "--checkout", str(checkout), "--workbook", str(wb), "--unrwa", str(unrwa), "--cogat", str(cogat)]
    assert mod.main([*args, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "03_estimate_kcal_capita.R" in err[0] and "found 0" in err[0]


def _write_daily(path: Path, runs: int, days: list[str], value) -> None:  # type: ignore[no-untyped-def]
    stems = ["trucked", "kcal_in", "kcal_bal", "kcal_out"]
    cols = ["date", "run", "pop_no", "pop_so"] + [f"{s}_{a}" for s in stems for a in ("no", "so")]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in range(1, runs + 1):
            for i, d in enumerate(days):
                w.writerow([d, r, 100.0, 300.0] + [value(s, a, r, i) for s in stems for a in ("no", "so")])


def test_daily_comparison_finds_the_day_and_series_that_differ(tmp_path: Path) -> None:
    days = [str(np.datetime64("2023-10-07") + i) for i in range(14)]
    runs = 40

    def value(stem: str, area: str, run: int, day: int) -> float:
        return 1000.0 * (day + 1) * (2 if area == "so" else 1) + run  # spread across runs: the noise

    _write_daily(tmp_path / fidelity_daily.DAILY_FILE, runs, days, value)
    ref = fidelity_daily.read_daily(tmp_path)
    assert ref.runs == runs and len(ref.days) == 14
    mine = {
        name: np.stack([ref.values[name][a] for a in ("north", "south-central")], axis=2).copy()
        for name in fidelity_daily.SERIES
    }
    same = fidelity_daily.compare(mine, ref.days, ref)
    assert len(same) == 14 * 2 * len(fidelity_daily.SERIES) and not any(c.outside for c in same)
    mine["trucked"][:, 5, 1] -= 5000.0  # south-central's trucked kcal short on one day
    cells = fidelity_daily.compare(mine, ref.days, ref, first=days[3], last=days[8])
    assert {c.day for c in cells} == set(days[3:9])
    assert [(c.day, c.area, c.series) for c in cells if c.outside] == [(days[5], "south-central", "trucked")]
    per_capita = [c for c in cells if c.series == "per_capita" and c.area == "north" and c.day == days[3]][0]
    assert per_capita.reference == pytest.approx(np.median([(4000.0 + r) / 100.0 for r in range(1, runs + 1)]))
    weekly, weeks = fidelity_daily.weekly_from_daily(ref, np.datetime64(days[0]))
    assert [str(w) for w in weeks] == [days[0], days[7]] and weekly.shape == (runs, 2, 2)


def test_daily_file_errors_name_the_file_and_row(tmp_path: Path) -> None:
    with pytest.raises(BadFile, match="not found"):
        fidelity_daily.read_daily(tmp_path)
    _write_daily(tmp_path / fidelity_daily.DAILY_FILE, 2, ["2023-10-07"], lambda s, a, r, i: "x" if r == 2 else 1.0)
    with pytest.raises(BadFile, match="row 3"):
        fidelity_daily.read_daily(tmp_path)


def test_the_reference_run_count_comes_from_the_r_run_else_the_studys_1000(tmp_path: Path) -> None:
    from lifeline.model.studies import fidelity

    assert fidelity.reference_runs(tmp_path) == 1000  # the shared output: no runs.csv
    (tmp_path / "runs.csv").write_text('"n_runs","seed"\n100,123\n')
    assert fidelity.reference_runs(tmp_path) == 100
    values = np.linspace(1000.0, 2000.0, 1000)
    # Fewer reference runs, wider tolerance: the R figure's own noise grows as 1/sqrt(runs).
    assert fidelity.tolerance(values, 0.5, 100) > 2 * fidelity.tolerance(values, 0.5, 1000)
    (tmp_path / "runs.csv").write_text("n_runs\nmany\n")
    with pytest.raises(BadFile, match="runs.csv: row 2"):
        fidelity.reference_runs(tmp_path)


def test_cap_conditional_check_removes_the_cap_draws_and_sees_a_real_shift() -> None:
    g = np.random.default_rng(3)
    cap_l, cap_r = g.normal(2770, 400, 1000), g.normal(2680, 400, 200)  # the R sample drew lower caps

    def week(cap: np.ndarray, shift: float) -> np.ndarray:
        return 4000.0 - 0.7 * cap + shift + g.normal(0, 50, len(cap))

    same = fidelity_daily.cap_conditional(week(cap_l, 0.0), cap_l, week(cap_r, 0.0), cap_r)
    assert abs(same.residual_mean) < 3 * same.residual_se and same.slope_reference == pytest.approx(-0.7, abs=0.05)
    assert np.median(same.deciles_reference) > np.median(same.deciles_lifeline)  # medians differ by the draws alone
    shifted = fidelity_daily.cap_conditional(week(cap_l, 0.0), cap_l, week(cap_r, 100.0), cap_r)
    assert shifted.residual_mean > 5 * shifted.residual_se
