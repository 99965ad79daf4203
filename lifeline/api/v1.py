"""The JSON / CSV / HXL API under ``/api/v1``: the same tables the pages show, with filters and paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import Field

from lifeline.accounts import User
from lifeline.accounts.credentials import CredentialEnded
from lifeline.api import auth, limits, respond, tables
from lifeline.api.respond import TABLE_RESPONSES, ErrorDoc, Fmt
from lifeline.errors import UserError
from lifeline.model.as_of import ask
from lifeline.optional import availability, need
from lifeline.store import window
from lifeline.store.as_of import parse as parse_moment
from lifeline.store.queries import GROUPS

router = APIRouter(prefix="/api/v1", dependencies=[Depends(auth.reader)])

FmtQ = Annotated[Fmt, Query(description="json (default), csv (add bom=0 to omit the byte-order mark), hxl (CSV with "
                                          "a hashtag row) or xlsx")]
Limit = Annotated[int | None, Query(ge=1, le=50_000, description="rows per page (default: all up to 50,000)")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]
# Dates as ISO text only: a bare number is not a date (pydantic would read it as a Unix time).
ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
DATE_SCHEMA: dict[str, Any] = {"format": "date"}
From = Annotated[str | None, Query(alias="from", pattern=ISO_DAY, description="first day, YYYY-MM-DD",
                                   json_schema_extra=DATE_SCHEMA)]
To = Annotated[str | None, Query(alias="to", pattern=ISO_DAY, description="last day, YYYY-MM-DD",
                                 json_schema_extra=DATE_SCHEMA)]


def _day(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UserError(f"'{name}' expects a calendar date as YYYY-MM-DD, got {value!r}") from None
    tables.check_window(day, None)
    return day


def _window(date_from: str | None, date_to: str | None) -> dict[str, date | None]:
    """The query's window, checked; a bound not given is the model's own default, clamped by the model
    (lifeline.store.window.span), as on the CLI and the pages."""
    lo, hi = _day(date_from, "from"), _day(date_to, "to")
    window.check(lo, hi)
    return {"date_from": lo, "date_to": hi}
Source = Annotated[str | None, Query(max_length=200, description="publisher (UNRWA, COGAT...) or series name")]
AsOf = Annotated[str | None, Query(max_length=40, description="answer with the versions held at YYYY-MM-DD (end of "
                                                           "that day) or YYYY-MM-DDTHH:MM:SS, UTC")]
CompareNow = Annotated[bool, Query(description="with as_of: each figure then, now and the change")]


def _at(as_of: str | None) -> Any:
    """The ``as_of`` parameter as a UTC moment (a bad value is a 400 naming the parameter)."""
    return parse_moment(as_of, "'as_of'") if as_of is not None else None


ContextQ = Annotated[str | None, Query(max_length=64, description="context code (default: the store's only one)")]


def _context(context: str | None) -> dict[str, str]:
    """The ``context`` parameter for the model, only when asked (so cached answers of a one-context store
    keep their keys)."""
    return {"context": context} if context is not None else {}


def _limit(request: Request, limit: int | None) -> int:
    s = auth.settings(request)
    return min(limit or s.api_default_limit, s.api_max_limit)


@router.get("/health", summary="Liveness and what this build provides")
def health(request: Request) -> dict[str, Any]:
    return {"status": "ok", "modules": availability(), "warm": getattr(request.app.state, "warm", "off")}


@router.get("/deliveries", responses=TABLE_RESPONSES, summary="Consignments, trucks and tonnes per period and group")
def deliveries(
    request: Request,
    date_from: From = None,
    date_to: To = None,
    by: Literal["day", "week", "month"] = "month",
    group: Annotated[str, Query(pattern="^(" + "|".join(GROUPS) + ")$")] = "crossing",
    source: Source = None,
    context: ContextQ = None,
    format: FmtQ = "json",
    limit: Limit = None,
    offset: Offset = 0,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> Response:
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        params = {**_window(date_from, date_to), **_context(context)}
        result = ask(at, compare_now, lambda: tables.deliveries(conn, by=by, group=group, source=source, **params),
                     "'as_of'")
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/datasets", responses=TABLE_RESPONSES, summary="Every import with its row accounting")
def datasets(request: Request, format: FmtQ = "json", limit: Limit = None, offset: Offset = 0) -> Response:
    with auth.engine(request).connect() as conn:
        result = tables.datasets(conn)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get(
    "/datasets/{dataset_id}/rejections", responses=TABLE_RESPONSES, summary="Rows an import refused, with reasons"
)
def rejections(
    request: Request, dataset_id: Annotated[int, Path(ge=1, le=2**31 - 1)], format: FmtQ = "json",
    limit: Limit = None, offset: Offset = 0,
) -> Response:
    with auth.engine(request).connect() as conn:
        _, result = tables.import_report(conn, dataset_id)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/revisions", responses=TABLE_RESPONSES, summary="Values changed or withdrawn by re-published files")
def revisions(
    request: Request, dataset: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None, format: FmtQ = "json",
    limit: Limit = None, offset: Offset = 0,
) -> Response:
    with auth.engine(request).connect() as conn:
        result = tables.revisions(conn, dataset)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/sources", responses=TABLE_RESPONSES, summary="The published files behind every figure")
def sources(request: Request, format: FmtQ = "json", limit: Limit = None, offset: Offset = 0) -> Response:
    with auth.engine(request).connect() as conn:
        result = tables.sources(conn)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/sources/latest", responses=TABLE_RESPONSES, summary="Last data update per source series")
def sources_latest(request: Request, format: FmtQ = "json", limit: Limit = None, offset: Offset = 0,
                   context: ContextQ = None) -> Response:
    with auth.engine(request).connect() as conn:
        result = tables.freshness(conn, context)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/sources/live", responses=TABLE_RESPONSES,
            summary="Registered live sources: last checked, last changed, next check, last error, overdue")
def sources_live(request: Request, format: FmtQ = "json", limit: Limit = None, offset: Offset = 0) -> Response:
    from lifeline.ingest.live.freshness import freshness_table

    with auth.engine(request).connect() as conn:
        result = freshness_table(conn)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/locations", responses=TABLE_RESPONSES, summary="Areas and crossings with English and Arabic names")
def locations(
    request: Request, type: Annotated[str | None, Query(max_length=32)] = None, context: ContextQ = None,
    format: FmtQ = "json", limit: Limit = None, offset: Offset = 0,
) -> Response:
    with auth.engine(request).connect() as conn:
        result = tables.locations(conn, type, context)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/audit", responses=TABLE_RESPONSES, summary="Audit log of writes (admins only)")
def audit(request: Request, format: FmtQ = "json", limit: Limit = None, offset: Offset = 0) -> Response:
    user = auth.current_user(request)
    if user is None:
        raise auth.AuthRequired()
    if not user.can("admin"):
        raise auth.Forbidden("the audit log is for admins")
    with auth.engine(request).connect() as conn:
        result = tables.audit(conn, _limit(request, limit), offset)
    return respond.table(request, result, format)


class ImportDoc(respond.BaseModel):
    path: str
    kind: str
    series: str
    status: str
    outcome: str = Field(description="stored | stored-with-rejections | would-store | "
                         "would-store-with-rejections (the CLI's exit status 0 / 1)")
    dataset_id: int | None
    rows_read: int
    rows_imported: int
    rows_unchanged: int
    rows_changed: int
    rows_rejected: int
    rows_flagged: int
    rows_withdrawn: int
    message: str
    rejections: list[dict[str, Any]]


@router.post(
    "/imports", response_model=ImportDoc, summary="Import a line list (editors; Bearer token)",
    responses={400: {"model": ErrorDoc}, 401: {"model": ErrorDoc}, 403: {"model": ErrorDoc}},
)
def create_import(
    request: Request,
    file: Annotated[UploadFile, File(description="UNRWA / COGAT / Insecurity Insight / gazamaps / HXL file")],
    kind: Annotated[str, Form(max_length=32)] = "auto",
    csrf_token: Annotated[str | None, Form()] = None,
    dry_run: Annotated[bool, Form(description="compare with the store and report; write nothing")] = False,
) -> Response:
    from lifeline.api.uploads import import_upload

    user: User = auth.writer(request, "editor", csrf_token)
    report = import_upload(
        auth.engine(request), file.file, file.filename, user, request.state.via,
        int(auth.settings(request).max_upload_mb * 1e6), kind, dry_run, auth.credential(request),
    )
    if dry_run:
        return Response(respond.dumps(report.as_dict()), media_type="application/json", status_code=200)
    request.app.state.version.bump()
    return Response(respond.dumps(report.as_dict()), media_type="application/json", status_code=201)


# ---------------------------------------------------------------------------------------------------
# Model answers (access, sources, series, coverage, studies, alerts, claims): 503 while absent.

Status = Literal["open", "closed", "restricted", "disputed", "no data", "unknown"]


@router.get("/access", responses=TABLE_RESPONSES, summary="Crossing x period timeline: status and entries by source")
def access(
    request: Request, date_from: From = None, date_to: To = None,
    crossing: Annotated[str | None, Query(max_length=64)] = None,
    by: Literal["day", "week", "month"] = "day", format: FmtQ = "json", limit: Limit = None, offset: Offset = 0,
    as_of: AsOf = None, compare_now: CompareNow = False,
    context: ContextQ = None,
) -> Response:
    acc = need("lifeline.model.access")
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        params = {**_window(date_from, date_to), "crossing": crossing, "by": by, **_context(context)}
        result = ask(at, compare_now, lambda: tables.cached(conn, "timeline", params,
                                                            lambda: acc.timeline(conn, **params)), "'as_of'")
    result = tables.without(result, "sources") if format != "json" else result
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/access/closures", responses=TABLE_RESPONSES, summary="Reported closures and their durations")
def closures(
    request: Request, date_from: From = None, date_to: To = None,
    crossing: Annotated[str | None, Query(max_length=64)] = None, format: FmtQ = "json", limit: Limit = None,
    offset: Offset = 0, as_of: AsOf = None, compare_now: CompareNow = False,
    context: ContextQ = None,
) -> Response:
    acc = need("lifeline.model.access")
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        params = {**_window(date_from, date_to), "crossing": crossing, **_context(context)}
        result = ask(at, compare_now, lambda: tables.cached(conn, "closures", params,
                                                            lambda: acc.closures(conn, **params)), "'as_of'")
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/access/throughput", responses=TABLE_RESPONSES,
            summary="Trucks per day by source against the pre-war baseline and stated needs")
def throughput(
    request: Request, date_from: From = None, date_to: To = None, by: Literal["day", "week", "month"] = "month",
    format: FmtQ = "json", limit: Limit = None, offset: Offset = 0, as_of: AsOf = None,
    compare_now: CompareNow = False,
    context: ContextQ = None,
) -> Response:
    acc = need("lifeline.model.access")
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        params = {**_window(date_from, date_to), "by": by, **_context(context)}
        result = ask(at, compare_now, lambda: tables.cached(conn, "throughput", params,
                                                      lambda: acc.throughput(conn, **params)), "'as_of'")
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/sources/compare", responses=TABLE_RESPONSES, summary="UNRWA vs COGAT (and others) with ratios")
def sources_compare(
    request: Request,
    indicator: Literal["consignments", "trucks", "tonnes"] = "consignments",
    category: Annotated[str, Query(max_length=32)] = "all",
    by: Literal["day", "week", "month"] = "month",
    date_from: From = None, date_to: To = None, format: FmtQ = "json", limit: Limit = None, offset: Offset = 0,
    as_of: AsOf = None, compare_now: CompareNow = False,
    context: ContextQ = None,
) -> Response:
    sc = need("lifeline.model.sources_compare")
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        params = {"indicator": indicator, "category": category, "by": by, **_window(date_from, date_to),
                  **_context(context)}
        result = ask(at, compare_now, lambda: tables.cached(conn, "compare", params,
                                                            lambda: sc.comparison(conn, **params)), "'as_of'")
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/series", responses=TABLE_RESPONSES, summary="One indicator over time, one column per source")
def series(
    request: Request, indicator: Annotated[str, Query(min_length=1, max_length=64)],
    area: Annotated[str | None, Query(max_length=64)] = None, format: FmtQ = "json", limit: Limit = None,
    offset: Offset = 0, as_of: AsOf = None, compare_now: CompareNow = False,
    context: ContextQ = None,
) -> Response:
    mod = need("lifeline.model.series")
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        result = ask(at, compare_now, lambda: tables.cached(
            conn, "series", {"indicator": indicator, "area": area, **_context(context)},
            lambda: mod.series_table(conn, indicator, area, context)), "'as_of'")
    result = tables.without(result, "values") if format != "json" else result
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/coverage", responses=TABLE_RESPONSES,
            summary="kcal per person per day by area and period, with intervals and the requirement")
def coverage(
    request: Request,
    area: Annotated[str | None, Query(max_length=64)] = None,
    date_from: From = None, date_to: To = None,
    by: Literal["day", "week", "month"] = "month",
    source: Source = None,
    set: Annotated[str | None, Query(max_length=64, description="assumption set (see /api/v1/assumption-sets)")] = None,
    runs: Annotated[int | None, Query(ge=1, le=limits.MAX_RUNS,
                                                   description="Monte Carlo runs (default of the set)")] = None,
    context: ContextQ = None,
    format: FmtQ = "json", limit: Limit = None, offset: Offset = 0,
    as_of: AsOf = None, compare_now: CompareNow = False,
) -> Response:
    at = _at(as_of)
    with auth.engine(request).connect() as conn:
        chosen = tables.coverage_set(set)
        params: dict[str, Any] = {"area": area, **_window(date_from, date_to),
                                  "by": by, "source": source,
                                  "assumptions": chosen}
        if context is not None:
            params["context"] = context
        if runs is not None:
            if runs > limits.ANONYMOUS_MAX_RUNS and limits.ANONYMOUS.get():
                raise UserError(f"runs: at most {limits.ANONYMOUS_MAX_RUNS} without logging in or an API token")
            params["runs"] = runs
        result = ask(at, compare_now, lambda: tables.coverage(conn, **params), "'as_of'")
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/assumption-sets", summary="Assumption sets a coverage query can use")
def assumption_sets() -> dict[str, Any]:
    return {"sets": tables.coverage_sets()}


@router.get("/studies", responses=TABLE_RESPONSES, summary="The published studies reproduced, and compared")
def studies(
    request: Request, study: Literal["compare", "checchi-2024", "fliss-isakov-2025"] = "fliss-isakov-2025",
    format: FmtQ = "json", limit: Limit = None, offset: Offset = 0,
) -> Response:
    with auth.engine(request).connect() as conn:
        result = tables.studies(conn, study, auth.settings(request).study_workbook)
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.get("/alerts", responses=TABLE_RESPONSES,
            summary="Alerts: open first, newest episode first; resolved ones with include_resolved=true")
def alerts(
    request: Request, state: Literal["open", "acknowledged", "resolved"] | None = None,
    include_resolved: bool = False, context: ContextQ = None, format: FmtQ = "json", limit: Limit = None,
    offset: Offset = 0,
) -> Response:
    store = need("lifeline.alerts.store")
    with auth.engine(request).connect() as conn:
        scope = tables.context_scope(conn, context)
        found = store.list_alerts(conn, state=state, include_resolved=include_resolved)
        result = tables.alerts_table([a for a in found if scope.keeps_alert(a)])
    return respond.table(request, result, format, _limit(request, limit), offset)


@router.post("/alerts/{key:path}/ack", summary="Acknowledge an alert (editors)",
             responses={400: {"model": ErrorDoc}, 401: {"model": ErrorDoc}, 403: {"model": ErrorDoc},
                        404: {"model": ErrorDoc}, 503: {"model": ErrorDoc}})
def acknowledge(
    request: Request, key: Annotated[str, Path(max_length=200)],
    csrf_token: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    from lifeline.accounts import record

    store = need("lifeline.alerts.store")
    user = auth.writer(request, "editor", csrf_token)
    with auth.write(request, "alert-ack", key) as conn:
        row = store.acknowledge(conn, key, by=user.name)  # its short id, or the older key it had (an alias)
        record(conn, user.name, request.state.via, "alert-ack", row["key"])
    request.app.state.version.bump()
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


@router.post("/reference/load", summary="Load (or update) the bundled reference set (admins)",
             responses={401: {"model": ErrorDoc}, 403: {"model": ErrorDoc}, 503: {"model": ErrorDoc}})
def reference_load(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    from lifeline.accounts import record

    reference = need("lifeline.reference.load")
    user = auth.writer(request, "admin", csrf_token)
    who = auth.credential(request)
    try:
        reports = reference.load_all(auth.engine(request), imported_by=user.name, before_commit=who.confirm)
    except CredentialEnded as exc:
        raise auth.refused_write(auth.engine(request), who, request.state.via, exc, "write-refused", None,
                                 {"write": "reference-load"}) from None
    summary = [{"path": r.path, "status": r.status, "rows_imported": r.rows_imported, "rows_changed": r.rows_changed,
                "dataset_id": r.dataset_id} for r in reports]
    with auth.write(request, "reference-load") as conn:
        record(conn, user.name, request.state.via, "reference-load", None, {"files": summary})
    request.app.state.version.bump()
    return {"files": summary}


class ClaimsRequest(respond.BaseModel):
    text: str
    date: str | None = Field(None, pattern=ISO_DAY, json_schema_extra=DATE_SCHEMA, description="YYYY-MM-DD")
    title: str | None = None


@router.post("/claims/check", summary="Extract the figures a statement asserts and check them against the data",
             responses={400: {"model": ErrorDoc}, 413: {"model": ErrorDoc}, 503: {"model": ErrorDoc}})
def claims_check(request: Request, body: ClaimsRequest) -> Response:
    if limits.ANONYMOUS.get() and len(body.text) > limits.ANONYMOUS_CLAIMS_MAX_CHARS:
        raise UserError(f"text: at most {limits.ANONYMOUS_CLAIMS_MAX_CHARS:,} characters without logging in "
                        "or an API token")
    report = tables.check_claims(auth.engine(request), body.text, _day(body.date, "date"), body.title,
                                 int(auth.settings(request).max_upload_mb * 1e6))
    return Response(respond.dumps(report), media_type="application/json")
