"""The three study questions as cited tables: Study A, Study B, and the factor-by-factor comparison.

These read the line lists from the store and Study A's workbook from where it was published
(``--workbook``); the CLI and any other face call these functions.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import load_set
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model.studies import checchi, compare, fidelity, fliss_isakov
from lifeline.model.studies.table import (
    DECOMPOSITION,
    OUTSIDE,
    REPRODUCTION,
    WITHIN,
    Result,
    StudyTable,
    study_table,
)
from lifeline.model.studies.workbook import Workbook, read_workbook
from lifeline.store import queries
from lifeline.store.queries_model import dataset_ids, deliveries_frame

# The UNRWA list each workbook version was published with (studies reference A.7).
LIST_FOR_WORKBOOK = {"v1": "20240911", "journal": "20241111"}
NO_WORKBOOK = (
    "Study A's parameter workbook is needed: pass --workbook PATH (gaza_food_data.xlsx of "
    "github.com/francescochecchi/gaza_food_availability; medRxiv v1 or journal version)"
)
WORKBOOK_SOURCE = {
    "publisher": "Checchi, Ververs & Jamaluddine (LSHTM)",
    "title": "gaza_food_availability replication repository, in/gaza_food_data.xlsx (parameter workbook)",
    "url": "https://github.com/francescochecchi/gaza_food_availability",
    "licence": "GPL-3.0",
}


def _workbook(path: str | Path | None) -> Workbook:
    if not path:
        raise UserError(NO_WORKBOOK)
    return read_workbook(path)


def unrwa_rows(conn: Connection, version: str | None, wb: Workbook) -> tuple[pl.DataFrame, str]:
    """The UNRWA rows as they stood in the chosen published version of the list."""
    wanted = version or LIST_FOR_WORKBOOK[wb.version]
    ids = dataset_ids(conn, "unrwa", wanted)
    note = f"UNRWA line list version {wanted!r}"
    if not ids:
        if version:
            raise UserError(
                f"no imported UNRWA list matches version {version!r}: import it with `lifeline import FILE`"
            )
        ids = dataset_ids(conn, "unrwa")
        if not ids:
            raise UserError("no UNRWA line list in the store: import unrwa-commodities-received-*.xlsx first")
        note = f"the {wanted} UNRWA list is not imported; using the latest imported UNRWA list instead"
    frame = deliveries_frame(conn, kind="unrwa", as_of_dataset=max(ids))
    return frame, note


def checchi_table(
    conn: Connection,
    workbook: str | Path | None,
    unrwa_version: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
    defects: bool = True,
) -> StudyTable:
    """Study A as published, each figure beside the paper's; then each defect corrected, one switch at a time."""
    wb = _workbook(workbook)
    aset = load_set(checchi.SET)
    frame, list_note = unrwa_rows(conn, unrwa_version, wb)
    cache: dict[bool, Any] = {}
    base = checchi.simulate(wb, frame, aset, runs, seed, trucked_cache=cache)
    head = checchi.headline(base, aset)
    extra: dict[str, Any] = {"workbook_version": wb.version, "runs": base.runs, "weekly": _weekly(head)}
    defect_notes: list[str] = []
    if defects:
        extra["defects"] = defect_effects(wb, frame, head, aset, runs, seed, cache)
        defect_notes = [_defect_note(d) for d in extra["defects"]]
    return study_table(
        "checchi-2024",
        "Study A (Checchi, Ververs & Jamaluddine, LSHTM, medRxiv v1): paper vs Lifeline",
        checchi.results(head, aset),
        sources=[WORKBOOK_SOURCE, *queries.sources_of_deliveries(conn, source="unrwa")],
        notes=[
            f"workbook {wb.path} ({wb.version}); {list_note}; {base.runs} runs, seed {int(aset.value('seed'))}",
            "weeks below requirement: weeks whose median availability (7-day rolling mean, weekly mean per run) "
            f"is below the recommended intake of {head.req_gaza:,.1f} kcal",
            "differences and tolerances are explained in docs/validation.md",
            *(
                [
                    "the paper figures are medRxiv v1's (draft Table 1); the journal workbook raises prop_agri and "
                    "reads kg_truck = 17 as kg (D5), so its figures are expected to differ (studies reference A.7)"
                ]
                if wb.version == "journal"
                else []
            ),
            *defect_notes,
        ],
        extra=extra,
        query={"workbook": str(workbook), "unrwa_version": unrwa_version, "runs": runs, "seed": seed},
    )


def weekly_table(
    conn: Connection,
    workbook: str | Path | None,
    unrwa_version: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
) -> ResultTable:
    """Study A's weekly kcal/person/day by area (its Fig 4): median and 80 % / 95 % intervals across runs."""
    wb = _workbook(workbook)
    aset = load_set(checchi.SET)
    frame, list_note = unrwa_rows(conn, unrwa_version, wb)
    head = checchi.headline(checchi.simulate(wb, frame, aset, runs, seed), aset)
    rows = [dict(r, below_requirement=r["est"] < head.req_gaza) for r in _weekly(head)]
    return ResultTable(
        title="Study A: weekly food energy available per person per day, by area (Fig 4)",
        columns=[
            Column("week", "#date+start", "week from"),
            Column("area", "#adm1+code"),
            Column("est", "#indicator+num+kcal+median", "kcal/person/day"),
            Column("lci95", "#indicator+num+kcal+low95", "2.5 %"),
            Column("uci95", "#indicator+num+kcal+high95", "97.5 %"),
            Column("lci80", "#indicator+num+kcal+low80", "10 %"),
            Column("uci80", "#indicator+num+kcal+high80", "90 %"),
            Column("below_requirement", "#status+below", f"below {head.req_gaza:,.0f}"),
        ],
        rows=rows,
        sources=[WORKBOOK_SOURCE, *queries.sources_of_deliveries(conn, source="unrwa")],
        notes=[
            list_note,
            "7-day right-aligned rolling mean of daily kcal consumed per person, weekly mean per run, "
            "quantiles across runs; weeks start on 7 Oct 2023",
        ],
    )


def fidelity_table(
    conn: Connection,
    workbook: str | Path | None,
    reference: str | Path,
    unrwa_version: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
) -> ResultTable:
    """Study A's weekly series by area against the output of its own R code, cell by cell with the noise tolerance."""
    wb = _workbook(workbook)
    ref = fidelity.read_reference(Path(reference))
    aset = load_set(checchi.SET)
    frame, list_note = unrwa_rows(conn, unrwa_version, wb)
    sim = checchi.simulate(wb, frame, aset, runs, seed)
    per_run, weeks = checchi.weekly_runs(sim, int(aset.value("rolling_days")))
    ref_runs = fidelity.reference_runs(Path(reference))
    cells = fidelity.compare(per_run, weeks, ref, reference_runs=ref_runs)
    rows = [
        {
            "week": c.week,
            "area": c.area,
            "statistic": c.stat,
            "lifeline": round(c.lifeline),
            "r_code": round(c.reference),
            "difference_pct": round(c.difference_pct, 1),
            "tolerance_pct": round(c.tolerance_pct, 1),
            "flag": fidelity_flag(c),
        }
        for c in cells
    ]
    summary = [
        f"{s.area}: median abs error of the weekly medians {s.median_abs_pct:.2f} %, max {s.max_abs_pct:.1f} % "
        f"(week of {s.max_week}); medians outside tolerance {len(s.medians_outside)} of {s.weeks}"
        f"{' (' + ', '.join(s.medians_outside) + ')' if s.medians_outside else ''}; weeks with any statistic "
        f"outside {s.weeks_outside}"
        for s in fidelity.summarise(cells)
    ]
    return ResultTable(
        title="Study A: Lifeline's weekly kcal/person/day by area against the output of the study's R code",
        columns=[
            Column("week", "#date+start", "week from"),
            Column("area", "#adm1+code"),
            Column("statistic", "#indicator+type", "statistic"),
            Column("lifeline", "#indicator+num+lifeline", "Lifeline"),
            Column("r_code", "#indicator+num+reference", "R code"),
            Column("difference_pct", "#indicator+num+difference", "difference %"),
            Column("tolerance_pct", "#indicator+num+tolerance", "tolerance %"),
            Column("flag", "#status+tolerance", "flag"),
        ],
        rows=rows,
        sources=[WORKBOOK_SOURCE, *queries.sources_of_deliveries(conn, source="unrwa")],
        notes=[
            f"{list_note}; {sim.runs} runs, seed {int(aset.value('seed')) if seed is None else seed}; reference "
            f"{Path(reference) / fidelity.REFERENCE_FILE} ({ref_runs} runs)",
            "statistics: est = median, lci/uci = 2.5/97.5 % (95) and 10/90 % (80) bounds across runs; tolerance: "
            "3 standard errors of both figures' Monte Carlo noise, from the order statistics of Lifeline's runs "
            "(docs/validation.md)",
            *summary,
        ],
        query={"workbook": str(workbook), "against": str(reference), "runs": runs, "seed": seed},
    )


def fidelity_flag(c: fidelity.Cell) -> str:
    return OUTSIDE if c.outside else WITHIN


def _weekly(h: checchi.Headline) -> list[dict[str, Any]]:
    out = []
    for i, w in enumerate(h.week_starts):
        for j, area in enumerate(["north", "south-central", "gaza-strip"]):
            q = h.weekly[:, i, j]
            out.append(
                {
                    "week": str(w),
                    "area": area,
                    "est": round(float(q[0])),
                    "lci95": round(float(q[3])),
                    "uci95": round(float(q[4])),
                    "lci80": round(float(q[1])),
                    "uci80": round(float(q[2])),
                }
            )
    return out


def _defect_note(d: dict[str, Any]) -> str:
    """One line per defect for the table view: what it is and what correcting it changes."""
    moved = [f"{k}: {d['corrected'][k] - v:g} -> {d['corrected'][k]:g}" for k, v in d["effect"].items() if v]
    changes = "; ".join(moved) if moved else "no change with this workbook"
    return f"correcting defect {d['defect']} ({d['explanation']}): {changes}"


def _headline_figures(h: checchi.Headline) -> dict[str, float]:
    return {
        "weeks below requirement, north, to 5 May 2024": float(h.weeks_below_may[0]),
        "weeks below requirement, south-central, to 5 May 2024": float(h.weeks_below_may[1]),
        "weeks below requirement, north, whole period": float(h.weeks_below[0]),
        "weeks below requirement, south-central, whole period": float(h.weeks_below[1]),
        "kcal from trucks, north, to 5 May 2024 (billion)": round(float(h.table1["trucks"][0, 0]), 1),
        "kcal from all sources, north, whole period (billion)": round(float(h.table1["total"][0, 2]), 1),
        "kcal from all sources, south-central, whole period (billion)": round(float(h.table1["total"][0, 3]), 1),
    }


def defect_effects(
    wb: Workbook,
    frame: pl.DataFrame,
    head: checchi.Headline,
    aset: Any,
    runs: int | None,
    seed: int | None,
    cache: dict[bool, Any] | None = None,
) -> list[dict[str, Any]]:
    """Each known defect corrected alone (same seed), with the change in each headline figure."""
    published = _headline_figures(head)
    out = []
    for key, spec in aset.tables["defects"].items():
        fixed = checchi.headline(
            checchi.simulate(wb, frame, aset, runs, seed, fix=frozenset({key}), trucked_cache=cache), aset
        )
        figures = _headline_figures(fixed)
        applies = spec.get("published", True) or wb.version == "journal"
        out.append(
            {
                "defect": spec["id"],
                "switch": key,
                "explanation": spec["explanation"],
                "applies_to_this_workbook": bool(applies),
                "corrected": figures,
                "effect": {k: round(figures[k] - published[k], 1) for k in figures},
            }
        )
    under = aset.get("under_reporting_after_6may")
    if under.high:
        corrected = checchi.headline(
            checchi.simulate(wb, frame, aset, runs, seed, under_reporting=under.high, trucked_cache=cache), aset
        )
        figures = _headline_figures(corrected)
        out.append(
            {
                "defect": "L1",
                "switch": "under_reporting_after_6may",
                "explanation": f"design limitation, not a coding error: UNRWA's partial data from 6 May 2024 left "
                f"uncorrected; here inflated by 1/(1 - {under.high:g}) ({under.source})",
                "applies_to_this_workbook": True,
                "corrected": figures,
                "effect": {k: round(figures[k] - published[k], 1) for k in figures},
            }
        )
    return out


def fliss_isakov_table(conn: Connection, density: str = "unrwa") -> StudyTable:
    """Study B's arithmetic on the COGAT list, beside its published figures."""
    aset = load_set(fliss_isakov.SET)
    frame = deliveries_frame(conn)
    if frame.filter(pl.col("kind") == "cogat").is_empty():
        raise UserError("no COGAT line list in the store: import cogat-gaza-aid-data-*.csv first")
    b = fliss_isakov.reproduce(frame, aset, density)
    return study_table(
        "fliss-isakov-2025",
        "Study B (Fliss-Isakov et al., IJHPR 2025): paper vs Lifeline on the COGAT line list",
        fliss_isakov.results(b, aset),
        sources=queries.sources_of_deliveries(conn, b.start, b.end),
        notes=[
            f"energy density: {b.density_source}",
            f"loss {100 * b.loss:.2f} % and population {b.population:,.0f}: assumptions of {aset.name} (not in the "
            "public abstracts; see `lifeline assumptions show fliss-isakov-2025`)",
            "Study B's registry is not public and differs from the COGAT dashboard CSV (15.3 t/truck vs 21.6 t/row in "
            "Jan-Apr), so the v1 preprint's truck and tonnage counts are shown, not expected to match",
        ],
        extra={
            "gross_tonnes_by_route": {k: round(v, 1) for k, v in b.gross_by_route.items()},
            "gross_tonnes_by_month": {k: round(v, 1) for k, v in b.gross_by_month.items()},
        },
    )


def compare_table(
    conn: Connection,
    workbook: str | Path | None,
    unrwa_version: str | None = None,
    runs: int | None = None,
    seed: int | None = None,
) -> StudyTable:
    """The gap between Study A and Study B, factor by factor, each with its effect in kcal/person/day."""
    wb = _workbook(workbook)
    aset = load_set(checchi.SET)
    frame, list_note = unrwa_rows(conn, unrwa_version, wb)
    a = checchi.simulate(wb, frame, aset, runs, seed)
    b_set = load_set(fliss_isakov.SET)
    everything = deliveries_frame(conn)
    b = fliss_isakov.reproduce(everything, b_set)
    start, factors = compare.decompose(a, b, b_set, fliss_isakov.cogat_food(everything, b_set))
    steps = f"{DECOMPOSITION}: Study A to Study B"
    rows = [replace(r, section=f"{REPRODUCTION}: Study A") for r in checchi.results(checchi.headline(a, aset), aset)]
    rows += [replace(r, section=f"{REPRODUCTION}: Study B") for r in fliss_isakov.results(b, b_set)]
    rows.append(
        Result(
            "Study A, whole Gaza, 7 Oct 2023 - 31 Aug 2024 (Lifeline reproduction)",
            None,
            round(start, 1),
            "kcal/person/day",
            section=steps,
        )
    )
    rows += [Result(f"after: {f.factor}", None, f.after_kcal, "kcal/person/day", section=steps) for f in factors]
    t = study_table(
        "compare",
        "Study A vs Study B: the gap factor by factor (kcal/person/day, whole Gaza)",
        rows,
        sources=[WORKBOOK_SOURCE, *queries.sources_of_deliveries(conn)],
        notes=[
            list_note,
            "reproduction rows: each study's published figure beside Lifeline's, flagged where the difference "
            "exceeds the documented tolerance; decomposition rows: no published figure, each step changes one "
            "thing from Study A's calculation to Study B's, in this order; effects depend on the order "
            "(see docs/validation.md)",
            *(f"{f.factor} ({f.effect_kcal:+,.1f} kcal/person/day): {f.explanation}" for f in factors),
        ],
        extra={
            "start_kcal": round(start, 1),
            "end_kcal": float(b_set.tables["published"]["kcal_per_person_day"]),
            "factors": [
                {"factor": f.factor, "effect_kcal": f.effect_kcal, "explanation": f.explanation} for f in factors
            ],
        },
    )
    t.study = ""  # the JSON keeps "results" (reproduction and decomposition rows, with flags) beside "factors"
    return t


__all__ = ["checchi_table", "fliss_isakov_table", "compare_table", "fidelity_table", "weekly_table"]
