"""The result tables the API and the pages share: thin wrappers turning core answers into ResultTables.

Model modules written by other areas are imported lazily through :mod:`lifeline.optional`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from lifeline.api import limits
from lifeline.errors import NotFound, UserError
from lifeline.formats import Column, ResultTable
from lifeline.optional import need
from lifeline.store import as_of, queries, queries_web, window
from lifeline.store.identity import identity


def check_window(date_from: date | None, date_to: date | None) -> None:
    """Refuse windows no model can sensibly compute (see lifeline.store.window)."""
    window.check(date_from, date_to)


class _Flight:
    """One computation in progress; callers asking for the same key wait for its result."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: ResultTable | None = None
        self.error: BaseException | None = None


@dataclass
class Pin:
    """The data version one page is built from, so that every answer on it is of one version.

    ``fresh``: always the live version (the background recomputation; a page built again after
    :class:`StaleVersion`). ``made_at``: when the oldest answer used was computed (the page shows it).
    """

    fresh: bool = False
    version: tuple[int, ...] | None = None
    live: tuple[int, ...] | None = None
    made_at: float | None = None

    @property
    def stale(self) -> bool:
        return self.version is not None and self.live is not None and self.version != self.live


PIN: ContextVar[Pin | None] = ContextVar("lifeline_answer_pin", default=None)


class StaleVersion(Exception):
    """A page pinned to the previous version needs an answer not held at it: build the page again, fresh."""


class AnswerCache:
    """Small LRU of answers keyed by (store, question, parameters, data version): any import invalidates it.

    The store is its identity (``lifeline.store.identity``: engine URL and the store's own id), so one
    process serving two stores (the API pointed at another URL, the tests) never answers one store's
    question with the other's figures, whatever their data versions.

    Single-flight: while one caller computes a key, the others asking for it wait for that answer
    instead of computing it again (after an import, 50 clients would otherwise start 50 coverages).
    A fresh computation for an anonymous caller takes a slot of ``limits.ANONYMOUS_BUDGET``.

    Stale-while-revalidate for pages: ``published`` is the version whose pages' answers were all computed
    (by the warm-up, then by each recomputation after a change). A page (a :data:`PIN` is set) built while
    the data are newer than ``published`` is built from the published answers, whole, while ONE background
    recomputation (``revalidate``, started here) computes the new version's; then ``published`` moves on.
    A page never mixes versions: it pins the version of its first answer, and an answer it needs that is
    not held at that version makes it start again at the live version (:class:`StaleVersion`).
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[ResultTable, float]] = OrderedDict()
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()
        self.published: tuple[int, ...] | None = None
        self.published_store: str | None = None  # whose ``published`` it is (None: the only store served)
        self.revalidate: Callable[[], None] | None = None
        self.computed = 0  # answers computed (not found in the cache), read by the tests

    def answer(self, question: str, live: tuple[int, ...], make: Callable[[], ResultTable],
               store: str = "") -> ResultTable:
        """The answer to ``question`` about ``store`` at the version the current page is pinned to (else at
        ``live``)."""
        question = f"{store}|{question}"
        pin = PIN.get()
        version = live
        if pin is not None:
            pin.live = pin.live or live
            if pin.version is None:
                published = self.published if self.published_store in (None, store) else None
                if not pin.fresh and published is not None and published != live and self.revalidate is not None:
                    self.revalidate()  # one recomputation of the new version's answers, in the background
                    if self._key(question, published) in self._items:
                        pin.version = published
                pin.version = pin.version or live
            version = pin.version
            if version != live and self._key(question, version) not in self._items:
                raise StaleVersion(question)
        value, made_at = self._get_or_make(self._key(question, version), make)
        if pin is not None:
            pin.made_at = made_at if pin.made_at is None else min(pin.made_at, made_at)
        return value

    @staticmethod
    def _key(question: str, version: tuple[int, ...]) -> str:
        return f"{question}@{list(version)}"

    def get_or_make(self, key: str, make: Callable[[], ResultTable]) -> ResultTable:
        return self._get_or_make(key, make)[0]

    def _get_or_make(self, key: str, make: Callable[[], ResultTable]) -> tuple[ResultTable, float]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            flight = self._flights.get(key)
            owner = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not owner:
            flight.done.wait()
            if isinstance(flight.error, limits.TooBusy) and not limits.ANONYMOUS.get():
                return self._get_or_make(key, make)  # the owner was refused a slot this caller does not need
            if flight.error is not None:
                raise flight.error
            assert flight.value is not None
            with self._lock:
                return self._items.get(key, (flight.value, time.time()))
        try:
            made_at = time.time()
            self.computed += 1
            if limits.ANONYMOUS.get():
                with limits.ANONYMOUS_BUDGET:
                    value = make()
            else:
                value = make()
        except BaseException as exc:
            flight.error = exc
            raise
        else:
            flight.value = value
            with self._lock:
                self._items[key] = (value, made_at)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value, made_at
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()


CACHE = AnswerCache()


def cached(conn: Connection, name: str, params: dict[str, Any], make: Callable[[], ResultTable]) -> ResultTable:
    # The as-of moment in force (lifeline.store.as_of) is part of the question.
    question = json.dumps([name, params, as_of.current()], default=str, sort_keys=True)
    return CACHE.answer(question, queries_web.data_version(conn), make, store=identity(conn))


# ---------------------------------------------------------------------------------------------------
# Tables whose data the foundation already provides.

DATASET_COLUMNS = [
    Column("id", "#meta+id"), Column("kind", "#meta+kind"), Column("series", "#meta+series"),
    Column("path", "#meta+file"), Column("publisher", "#org+name"), Column("published", "#date+published"),
    Column("imported_at", "#date+imported"), Column("imported_by", "#contact+name", "imported by"),
    Column("rows_read", "#indicator+num+read"), Column("rows_imported", "#indicator+num+imported"),
    Column("rows_unchanged", "#indicator+num+unchanged"), Column("rows_changed", "#indicator+num+changed"),
    Column("rows_rejected", "#indicator+num+rejected"), Column("rows_flagged", "#indicator+num+flagged"),
    Column("rows_withdrawn", "#indicator+num+withdrawn"),
]


def deliveries(conn: Connection, **params: Any) -> ResultTable:
    from lifeline.model.deliveries import delivery_table

    return cached(conn, "deliveries", params, lambda: delivery_table(conn, **params))


def datasets(conn: Connection) -> ResultTable:
    from lifeline.store.schema import datasets as ds

    rows = queries.datasets(conn)
    by = {r.id: r.imported_by for r in conn.execute(ds.select().with_only_columns(ds.c.id, ds.c.imported_by))}
    for r in rows:
        r["imported_by"] = by.get(r["id"])
    return ResultTable(
        title="Datasets imported",
        columns=DATASET_COLUMNS,
        rows=rows,
        sources=_distinct_sources(rows),
        notes=["rows read = imported + unchanged + changed + rejected, for every file"],
    )


def _distinct_sources(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        key = (r.get("publisher"), r.get("title"), r.get("url"))
        seen.setdefault(key, {k: r.get(k) for k in ("publisher", "title", "url", "published")})
    return list(seen.values())


def import_report(conn: Connection, dataset_id: int) -> tuple[dict[str, Any], ResultTable]:
    found = queries_web.dataset(conn, dataset_id)
    if found is None:
        raise NotFound(f"no dataset with id {dataset_id}")
    rows = queries_web.rejections(conn, dataset_id)
    table = ResultTable(
        title=f"Rows rejected from dataset {dataset_id} ({found['path']})",
        columns=[Column("row", "#meta+row"), Column("column", "#meta+column"), Column("reason", "#description")],
        rows=rows,
        sources=[{k: found.get(k) for k in ("publisher", "title", "url", "published")}],
        query={"dataset": dataset_id},
    )
    return found, table


def checked_rejections(report: Any) -> ResultTable:
    """The rows a dry run would reject, in the shape of a stored import's rejection table."""
    return ResultTable(
        title=f"Rows {report.path} would have rejected (nothing written)",
        columns=[Column("row", "#meta+row"), Column("column", "#meta+column"), Column("reason", "#description")],
        rows=[{k: r[k] for k in ("row", "column", "reason")} for r in report.rejections],
        sources=[],
    )


def revisions(conn: Connection, dataset: int | None = None) -> ResultTable:
    rows = queries_web.revisions(conn, dataset)
    for r in rows:
        r["old_values"] = json.dumps(r["old_values"], ensure_ascii=False, default=str)
        r["new_values"] = json.dumps(r["new_values"], ensure_ascii=False, default=str) if r["new_values"] else None
    return ResultTable(
        title="Revisions: values changed or withdrawn by a newer file",
        columns=[
            Column("id", "#meta+id"), Column("table_name", "#meta+table", "table"), Column("record_id", "#meta+record"),
            Column("action", "#status"), Column("changed_at", "#date+changed"), Column("series", "#meta+series"),
            Column("dataset_id", "#meta+dataset", "by dataset"),
            Column("previous_dataset_id", "#meta+dataset+previous", "previous dataset"),
            Column("old_values", "#meta+old", "old values"), Column("new_values", "#meta+new", "new values"),
        ],
        rows=rows,
        notes=["a re-published file never overwrites silently: earlier values stay here"],
        query={"dataset": dataset},
    )


def sources(conn: Connection) -> ResultTable:
    rows = queries_web.sources(conn)
    return ResultTable(
        title="Sources",
        columns=[
            Column("id", "#meta+id"), Column("publisher", "#org+name"), Column("title", "#meta+title"),
            Column("url", "#meta+url"), Column("licence", "#meta+licence"), Column("published", "#date+published"),
            Column("retrieved", "#date+retrieved"), Column("datasets", "#indicator+num+datasets"),
            Column("last_imported", "#date+imported", "last imported"), Column("note", "#description"),
        ],
        rows=rows,
    )


def freshness(conn: Connection, context: str | None = None) -> ResultTable:
    return cached(conn, "freshness", {"context": context}, lambda: _freshness(conn, context))


def _freshness(conn: Connection, context: str | None = None) -> ResultTable:
    """The newest file and data of each series; of one context's datasets when the store holds several
    (``model.dataset_versions.datasets_in``: its places' files and files about no place), never another's."""
    from lifeline.model.dataset_versions import datasets_in
    from lifeline.store import queries

    rows = queries_web.last_update_per_series(conn)
    own = datasets_in(conn, context)
    if own is not None:
        series = {str(r["series"]) for r in queries.datasets(conn) if int(r["id"]) in own}
        rows = [r for r in rows if str(r["series"]) in series]
    return ResultTable(
        title="Last data update per source",
        columns=[
            Column("series", "#meta+series", "source file series"), Column("kind", "#meta+kind"),
            Column("publisher", "#org+name"), Column("published", "#date+published", "newest file published"),
            Column("latest_data", "#date+latest", "latest data"), Column("imported_at", "#date+imported", "imported"),
            Column("versions", "#indicator+num+versions", "versions imported"),
        ],
        rows=rows,
        sources=_distinct_sources(rows),
        notes=["latest data = the newest date of any current row; a gap to 'published' is the publisher's delay"],
    )


def context_list(conn: Connection) -> list[dict[str, Any]]:
    """The store's contexts (code and names), for the pages' context picker."""
    from lifeline.model.contexts import all_contexts

    return [{"code": c.code, "name_en": c.name_en, "name_ar": c.name_ar} for c in all_contexts(conn)]


def context_publishers(conn: Connection, context: str | None) -> list[str]:
    """The publishers whose deliveries belong to a context (every publisher in a store of one context)."""
    from lifeline.store.queries_access import delivery_coverage

    return [str(r["publisher"]) for r in delivery_coverage(conn, scope=context_scope(conn, context).deliveries)]


def context_scope(conn: Connection, context: str | None) -> Any:
    """The scope of a question about one context (``model.contexts.scope``)."""
    from lifeline.model.contexts import scope

    return scope(conn, context)


def locations(conn: Connection, kind: str | None = None, context: str | None = None) -> ResultTable:
    """The places of the store, or of one context (``context``; every place when it is not given)."""
    rows = queries_web.locations(conn, kind)
    if context is not None:
        from lifeline.model.contexts import resolve

        ctx = resolve(conn, context)
        rows = [r for r in rows if ctx is None or r["code"] in ctx.members]
    return ResultTable(
        title="Places",
        columns=[
            Column("code", "#loc+code"), Column("type", "#loc+type"), Column("name_en", "#loc+name+i_en", "name"),
            Column("name_ar", "#loc+name+i_ar", "name (Arabic)"), Column("parent_code", "#adm1+code", "parent"),
            Column("lat", "#geo+lat"), Column("lon", "#geo+lon"), Column("area_km2", "#indicator+num+area"),
        ],
        rows=rows,
    )


def audit(conn: Connection, limit: int = 200, offset: int = 0) -> ResultTable:
    from lifeline.accounts import recent

    rows = recent(conn, limit, offset)
    for r in rows:
        r["detail"] = json.dumps(r["detail"], ensure_ascii=False, default=str) if r["detail"] is not None else None
    return ResultTable(
        title="Audit log",
        columns=[
            Column("id", "#meta+id"), Column("at", "#date"), Column("user_name", "#contact+name", "user"),
            Column("via", "#meta+channel"), Column("action", "#activity"), Column("target", "#meta+target"),
            Column("detail", "#description"),
        ],
        rows=rows,
    )


def names(conn: Connection) -> dict[str, dict[str, str]]:
    """Display names of places by code in each language, from the locations table (reference set)."""
    out: dict[str, dict[str, str]] = {}
    for r in queries_web.locations(conn):
        out[r["code"]] = {"en": r["name_en"], "ar": r["name_ar"] or r["name_en"]}
    return out


def without(result: ResultTable, key: str) -> ResultTable:
    """The table without a nested column (CSV / HXL cells hold flat values only)."""
    rows = [{k: v for k, v in r.items() if k != key} for r in result.rows]
    return ResultTable(result.title, result.columns, rows, result.sources, result.notes, result.query)


NOT_COVERAGE_SETS = {"normalisation", "access", "alerts", "claims", "commodity-kcal"}


def coverage_sets() -> list[str]:
    """The shipped assumption sets that define a requirement (so a coverage run can use them)."""
    from lifeline.assumptions import load_set
    from lifeline.assumptions.loader import available

    out = []
    for name in available():
        if name in NOT_COVERAGE_SETS:
            continue
        if "requirement_kcal" in load_set(name).assumptions:
            out.append(name)
    return out


def coverage_set(name: str | None) -> str:
    if name is None:
        return "sphere-2100"
    sets = coverage_sets()
    if name not in sets:
        raise NotFound(f"no coverage assumption set named {name!r}; expected one of: {', '.join(sets)}")
    return name


def alerts_table(rows: list[dict[str, Any]]) -> ResultTable:
    keys = list(rows[0]) if rows else ["key", "rule", "place", "period_start", "period_end", "state", "message"]
    hxl = {"place": "#loc+code", "period_start": "#date+start", "period_end": "#date+end", "state": "#status",
           "message": "#description"}
    for r in rows:
        for k, v in r.items():
            if isinstance(v, (dict, list)):
                r[k] = json.dumps(v, ensure_ascii=False, default=str)
    return ResultTable(
        title="Alerts",
        columns=[Column(k, hxl.get(k, f"#meta+{k.replace('_', '')}")) for k in keys if k != "id"],
        rows=rows,
        notes=["alerts are evaluated after every import from the rules in alerts.toml"],
    )


def check_claims(engine: Any, text: str, day: Any, title: str | None, max_bytes: int) -> dict[str, Any]:

    claims = need("lifeline.claims.check")
    if len(text.encode("utf-8", "replace")) > max_bytes:
        raise UserError(f"the statement is larger than {max_bytes / 1e6:.0f} MB")
    with engine.connect() as conn:
        report = claims.check_document(conn, text, date=day, title=title)
    return report.as_dict()  # type: ignore[no-any-return]


STUDIES = ("compare", "checchi-2024", "fliss-isakov-2025")


def studies(conn: Connection, study: str, workbook: str | None) -> ResultTable:
    """A published study as Lifeline reproduces it, or the factor-by-factor comparison of the two."""
    run = need("lifeline.model.studies.run")
    if study == "fliss-isakov-2025":
        result = cached(conn, "study", {"study": study}, lambda: run.fliss_isakov_table(conn))
        if workbook:
            return result
        return ResultTable(result.title, result.columns, result.rows, result.sources, [*result.notes, (
            "Study A and the comparison need Study A's parameter workbook: start the server with "
            "LIFELINE_STUDY_WORKBOOK=PATH (`lifeline demo --data DIR` finds it in DIR)")], result.query)
    if study == "checchi-2024":
        return cached(conn, "study", {"study": study, "wb": workbook},
                      lambda: run.checchi_table(conn, workbook, None, None, None, False))
    return cached(conn, "study", {"study": study, "wb": workbook},
                  lambda: run.compare_table(conn, workbook, None, None, None))


def coverage(conn: Connection, **params: Any) -> ResultTable:
    """The coverage table (median, 80 % and 95 % intervals from the model's seeded runs), cached."""
    return cached(conn, "coverage", params, lambda: need("lifeline.model.coverage").coverage_table(conn, **params))
