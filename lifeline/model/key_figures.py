"""The headline figures a reader needs first, each taken from the model function the CLI shows it with.

Nothing is computed here beyond picking rows: trucks per day come from :func:`access.throughput` (``lifeline
access --show throughput --by month``), crossing status from :func:`access.timeline` (``lifeline access``),
kcal per person per day from :func:`coverage.coverage_table` (``lifeline coverage --by month``). Only complete
periods make a headline (a month cut by the end of a list is partial), and each figure carries its source,
the date it stands for and the change on the previous complete period, so the Overview strip and the report's
first page say the same thing.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model import access, contexts, truck_basis
from lifeline.model.coverage import coverage_table, latest_complete
from lifeline.store import queries_access

DEFAULT_SOURCE = "UNRWA"  # the coverage pages' default: one list at a time, UNRWA and COGAT record the same trucks
OPEN_STATUSES = ("open",)


@dataclass
class Figure:
    """One headline figure: what, how much, against what, when, from whom, and the change on before."""

    key: str
    label: str
    value: float | int | None
    unit: str
    period: str | None = None
    compare: list[tuple[str, float | None]] = field(default_factory=list)  # (label, value) e.g. pre-war baseline
    previous: float | None = None
    previous_period: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    place: str | None = None
    low: float | None = None
    high: float | None = None
    items: list[dict[str, Any]] = field(default_factory=list)  # the parts of a count (each crossing's status)

    @property
    def change(self) -> float | None:
        """Relative change on the previous complete period (None when either is missing)."""
        if self.value is None or not self.previous:
            return None
        return float(self.value) / self.previous - 1.0


def _month_complete(row: dict[str, Any]) -> bool:
    period = row["period"] if isinstance(row["period"], date) else date.fromisoformat(str(row["period"])[:10])
    return row.get("days") == calendar.monthrange(period.year, period.month)[1]


def _unique(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each source once, by publisher and title (a source cited twice reads as two)."""
    seen: dict[tuple[Any, Any], dict[str, Any]] = {}
    for s in sources:
        seen.setdefault((s.get("publisher"), s.get("title")), s)
    return list(seen.values())


def trucks_per_day(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, context: str | None = None
) -> list[Figure]:
    """Per source: trucks/day in the latest complete month, against the pre-war level and the need then."""
    result = access.throughput(conn, date_from, date_to, "month", context=context)
    out: list[Figure] = []
    for source in sorted({str(r["source"]) for r in result.rows}):
        done = sorted((r for r in result.rows if r["source"] == source and _month_complete(r)
                       and r.get("trucks_per_day") is not None), key=lambda r: r["period"])
        if not done:
            continue
        last, before = done[-1], (done[-2] if len(done) > 1 else None)
        period = str(last["period"])[:10]
        flag = truck_basis.flag(source, last["period"] if isinstance(last["period"], date)
                                else date.fromisoformat(period))
        out.append(Figure(
            key=f"trucks_per_day/{source}", label=f"{source}: trucks per day", value=last["trucks_per_day"],
            unit="trucks/day", period=period,
            compare=[("pre-war", last.get("prewar_trucks_per_day")), ("stated need", last.get("stated_need"))],
            previous=before["trucks_per_day"] if before else None,
            previous_period=str(before["period"])[:10] if before else None,
            sources=_unique([s for s in result.sources if s.get("publisher") == source]),
            notes=([flag] if flag else []) + ([f"stated need: {last['need_source']}"] if last.get("need_source")
                                                else ["no stated need stands in this period"]),
        ))
    return out


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def crossings_day(conn: Connection, date_to: date | None = None, context: str | None = None) -> tuple[date | None, str]:
    """The day "now" stands for in crossings' status, and what it is: the last day of the context's delivery
    lists or crossing-status reports (whichever is later), never a later day of unrelated data (a
    displacement list running a year on would make every status read unknown); ``date_to`` when earlier."""
    sc = contexts.scope(conn, context)
    found = [(_day(r["last"]), f"the last day of the {r['publisher']} delivery list")
             for r in queries_access.delivery_coverage(conn, scope=sc.deliveries) if r["last"] is not None]
    reports = access.status_reports(conn, sc)
    if reports:
        latest = max(reports, key=lambda r: r.attested)
        found.append((latest.attested, f"the date of the latest crossing-status report ({latest.publisher})"))
    if not found:
        return date_to, "the end of the window asked" if date_to else "no delivery list or status report"
    day, what = max(found)
    if date_to is not None and date_to < day:
        return date_to, "the end of the window asked"
    return day, what


def crossings_now(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, context: str | None = None
) -> Figure:
    """How many crossings are open "now": the last day of the context's delivery lists or status reports
    (:func:`crossings_day`), each status with its age."""
    now, what = crossings_day(conn, date_to, context)
    if date_from is not None and now is not None and now < date_from:
        now, what = date_to, "the end of the window asked (no list or report reaches into it)"
    result = access.timeline(conn, date_from, now, context=context)
    latest: dict[str, dict[str, Any]] = {}
    for r in result.rows:
        key = r["crossing"]
        if r.get("level") == "crossing" and (key not in latest or r["period"] > latest[key]["period"]):
            latest[key] = r
    day = max((str(r["period"])[:10] for r in latest.values()), default=None)
    opened = [r for r in latest.values() if r.get("status") in OPEN_STATUSES]
    return Figure(
        key="crossings_open", label="crossings open", value=len(opened) if latest else None, unit="crossings",
        period=day, compare=[("crossings tracked", len(latest))],
        sources=_unique(list(result.sources)),
        notes=[f"now = {day}: {what}" if day else f"now: {what}"],
        items=[{"place": r["crossing"], "status": r.get("status"), "status_label": r.get("status_label"),
                "age_days": r.get("age_days"), "basis_date": r.get("basis_date")}
               for r in sorted(latest.values(), key=lambda r: str(r["crossing"]))],
    )


def kcal_per_person(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, source: str = DEFAULT_SOURCE,
    context: str | None = None,
) -> list[Figure]:
    """Per area: kcal/person/day (median, 95 % interval) in the latest complete month against the requirement."""
    result = coverage_table(conn, date_from=date_from, date_to=date_to, by="month", source=source, context=context)
    latest = latest_complete(result.rows)
    out: list[Figure] = []
    if latest is None:
        return out
    for area in sorted({str(r["area"]) for r in result.rows}):
        rows = sorted((r for r in result.rows if r["area"] == area and str(r["period"]) <= latest),
                      key=lambda r: str(r["period"]))
        if not rows or str(rows[-1]["period"]) != latest:
            continue
        last, before = rows[-1], (rows[-2] if len(rows) > 1 else None)
        out.append(Figure(
            key=f"kcal/{area}", label="kcal per person per day", value=last["kcal_pp"], unit="kcal/person/day",
            period=latest[:10], place=area, low=last.get("kcal_pp_low"), high=last.get("kcal_pp_high"),
            compare=[("requirement", last.get("requirement"))],
            previous=before["kcal_pp"] if before else None,
            previous_period=str(before["period"])[:10] if before else None,
            sources=_unique(list(result.sources)),
        ))
    return out


def figures(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, source: str = DEFAULT_SOURCE,
    context: str | None = None,
) -> list[Figure]:
    """The strip: trucks/day per source, crossings open now, kcal per person per day by area; a part the
    store cannot answer (no deliveries, no population) is left out rather than shown as zero."""
    found: list[Figure] = []
    parts: list[Callable[[], list[Figure]]] = [
        lambda: trucks_per_day(conn, date_from, date_to, context),
        lambda: [crossings_now(conn, date_from, date_to, context)],
        lambda: kcal_per_person(conn, date_from, date_to, source, context)]
    for part in parts:
        try:
            found += part()
        except UserError:
            continue
    return found


COLUMNS = [
    Column("key", "#meta+key"), Column("label", "#indicator+name"), Column("place", "#adm1+code"),
    Column("value", "#indicator+num"), Column("low", "#indicator+num+low", "95 % low"),
    Column("high", "#indicator+num+high", "95 % high"), Column("unit", "#indicator+unit"),
    Column("period", "#date+start", "period (start)"), Column("compare", "#meta+compare", "against"),
    Column("previous", "#indicator+num+previous", "previous period"),
    Column("previous_period", "#date+start+previous", "previous period (start)"),
    Column("change", "#indicator+num+pct+change", "change on previous"),
    Column("sources", "#meta+source"), Column("notes", "#description"), Column("items", "#meta+parts", "parts"),
]


def key_figures(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, source: str = DEFAULT_SOURCE,
    context: str | None = None,
) -> ResultTable:
    """:func:`figures` as a cited table (one row a figure), the form every face shows and caches."""
    found = figures(conn, date_from, date_to, source, context)
    rows = [asdict(f) | {"change": f.change} for f in found]
    return ResultTable(
        title="Key figures (latest complete period)", columns=COLUMNS, rows=rows,
        sources=_unique([s for f in found for s in f.sources]),
        notes=["a period cut by the first or last day of a list is partial and never a headline",
               f"kcal per person per day computed from the {source} list alone ({_same_trucks(source)}; adding "
               "them double counts)"],
        query={"from": date_from, "to": date_to, "source": source, "context": context},
    )


def _same_trucks(source: str) -> str:
    """Why lists are never added: Gaza's two lists by name where the figure is one of them, else in general
    (another context's answer never names UNRWA or COGAT)."""
    if source in ("UNRWA", "COGAT"):
        return "UNRWA and COGAT record the same trucks"
    return "another publisher's list may record the same trucks"
