"""HTML pages: Overview, Access, Coverage, Sources, Map, Data (+ upload), Claims, and login/logout."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from lifeline.accounts import authenticate, end_sessions, record
from lifeline.api import auth, limits, tables
from lifeline.api import session as sessions
from lifeline.errors import UserError
from lifeline.formats.labels import publisher_label
from lifeline.formats.writers import _cell
from lifeline.i18n import counted
from lifeline.i18n import wording as i18n
from lifeline.optional import need, need_attr
from lifeline.store import as_of
from lifeline.web import mapsvg, panels, views

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
TEMPLATES.env.autoescape = True  # every page, whatever the file suffix: data is never trusted
router = APIRouter(include_in_schema=False)

NAV = [("/", "nav_overview"), ("/access", "nav_access"), ("/coverage", "nav_coverage"), ("/sources", "nav_sources"),
       ("/map", "nav_map"), ("/data", "nav_data"), ("/claims", "nav_claims")]
CODE_TAGS = ("#loc+code", "#adm1+code")
# Columns whose cells are data quoted as published (names, titles, files, codes, URLs, a source's own note):
# shown as they are in every language, marked translate="no"; every other text cell is Lifeline's own wording.
DATA_TAGS = ("#org", "#meta+title", "#meta+file", "#meta+column", "#meta+series", "#meta+url", "#meta+licence",
             "#meta+id", "#meta+source", "#meta+kind", "#meta+table", "#meta+old", "#meta+new", "#meta+dataset",
             "#meta+target",
             "#meta+channel", "#contact", "#description", "#loc+name", "#geo", "#date", "#indicator+name",
             "#meta+record", "#item", "#sector")
Reader = Annotated[Any, Depends(auth.reader)]


def _date_param(request: Request, key: str) -> date | None:
    value = request.query_params.get(key) or None
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"the '{key}' filter expects a date as YYYY-MM-DD, got {value!r}") from None


def _as_of_param(request: Request) -> datetime | None:
    """The 'as_of' filter (the date picker, or a time typed in the address), as a UTC moment."""
    value = request.query_params.get("as_of") or None
    return as_of.parse(value, "the 'as_of' filter") if value is not None else None


def context(request: Request, **extra: Any) -> dict[str, Any]:
    lang = i18n.pick(request.query_params.get("lang"))
    t = i18n.translator(lang)
    user = auth.current_user(request)
    chosen = request.query_params.get("context") or None
    with auth.engine(request).connect() as conn:
        place_names = mapsvg.names() | tables.names(conn)
        known = tables.context_list(conn)
    place_columns = {"crossing", "area", "place", "location", "coverage_area"}

    def name(code: Any) -> str:
        if code is None:
            return t("no_data")
        if str(code).startswith("route:"):
            return t("route_" + str(code)[6:])
        found = place_names.get(str(code))
        return found[lang] if found else str(code)

    codes_in_text = _codes_pattern(tuple(sorted(place_names)))
    english_names = {str(v["en"]): str(v[lang]) for v in place_names.values() if v.get("en") and v.get(lang)}

    def names_in(text: str) -> str:
        """A core sentence (an alert's message) with the place codes it holds ("gaza-strip", "PS-RFH") as the
        page's names; in Arabic, the English names it quotes as data too."""
        if lang != "en":
            text = i18n.quoted(text, lambda s: english_names.get(s, s))
        return codes_in_text.sub(lambda m: name(m.group(1)), text) if codes_in_text else text

    def u(path: str, **params: Any) -> str:
        if lang != "en":
            params["lang"] = lang
        if chosen is not None:  # the context chosen is kept across links
            params.setdefault("context", chosen)
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return path + ("?" + urlencode(params) if params else "")

    def other_lang() -> str:
        params = dict(request.query_params)
        params["lang"] = "en" if lang == "ar" else "ar"
        return request.url.path + "?" + urlencode(params)

    def heading(column: Any) -> str:
        """A column's label in the page's language where the UI strings have it; else the data's own."""
        key = "col_" + column.key
        if lang == "en":
            return str(column.title)
        return t(key) if key in i18n.strings(lang) else i18n.prose(lang, str(column.title))

    def is_data(column: Any) -> bool:
        """Whether a column's cells are data shown as published (not translated)."""
        return any(column.hxl.startswith(tag) for tag in DATA_TAGS) or column.key in place_columns

    def cell(row: dict[str, Any], column: Any) -> str:
        value = row.get(column.key)
        if column.key in SENTENCE_COLUMNS and "rule" in row and isinstance(value, str):
            return names_in(i18n.prose(lang, value))
        if lang != "en" and column.hxl.startswith("#status") and isinstance(value, str):
            key = "status_" + value.replace(" ", "_")
            return t(key) if key in i18n.strings(lang) else i18n.prose(lang, value)
        if isinstance(value, bool):
            return t("yes") if value else t("no")
        if value is not None and any(column.hxl.startswith(tag) for tag in CODE_TAGS):
            return name(value)
        if isinstance(value, float):
            return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
        if isinstance(value, datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}" if column.key not in ("id", "row", "dataset_id", "record_id") else str(value)
        if lang != "en" and isinstance(value, str) and (not is_data(column) or (
                column.hxl.startswith("#date") and not value[:1].isdigit())):  # a date column's "total" row
            return i18n.prose(lang, value)
        return _cell(value)

    def own(text: Any) -> Markup | str:
        """A source's title or publisher that Lifeline wrote itself (OWN_SOURCE_TEXT), in the page's language;
        "" for any other, which is data shown as published."""
        if lang == "en" or not isinstance(text, str) or not OWN_SOURCE_TEXT.fullmatch(text):
            return ""
        return i18n.bidi(names_in(i18n.prose(lang, text)))

    def unit(value: Any, text: Any) -> str:
        """A figure's unit; in Arabic a unit that counts things (crossings) agrees with the figure."""
        if lang == "ar" and text in COUNTED_UNITS and value is not None:
            return counted.noun_after(value, COUNTED_UNITS[text])
        return prose(text)

    def prose(text: Any) -> str:
        """Core English in the page's language; data it quotes marked (``bidi`` makes the marks spans)."""
        return names_in(i18n.prose(lang, str(text))) if text is not None else ""

    ctx: dict[str, Any] = {
        "request": request, "lang": lang, "rtl": lang in i18n.RTL, "t": t, "user": user, "name": name, "u": u,
        "cell": cell, "heading": heading, "prose": prose, "own": own, "unit": unit, "is_data": is_data,
        "bidi": i18n.bidi if lang in i18n.RTL else (lambda x: x), "other_lang": other_lang(), "nav": NAV,
        "path": request.url.path,
        "csrf": request.state.session.csrf, "page_rows": auth.settings(request).page_rows,
        "params": dict(request.query_params),
        "contexts": known if len(known) > 1 else [], "chosen_context": chosen,
        "tagline": _tagline(t, lang, known, chosen),
        "long_date": lambda value: i18n.long_date(lang, value),
    }
    ctx.update(extra)
    return ctx


# An alert row's columns that are the core's sentences naming places (its title and message): names, not codes.
SENTENCE_COLUMNS = ("title", "message")
# Units of the key figures that count things, and the noun each takes in Arabic (lifeline.i18n.counted).
COUNTED_UNITS = {"crossings": "crossing", "alerts": "alert", "trucks": "truck", "days": "day"}
# What Lifeline writes into a source's title or publisher when an import names none (lifeline.geo.boundaries):
# translated like the core's prose; any other title or publisher is data, shown as published.
OWN_SOURCE_TEXT = re.compile(r"Admin boundaries \([^)]*\)|not stated \(name it with --publisher\)|"
                             r"(?:unknown \()?HXL file [^ ()]+(?: \([^)]*\))?\)?")


@cache
def _codes_pattern(codes: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of the places' codes standing alone in a sentence (longest first, so "PS-RFH" before "PS")."""
    ordered = sorted(codes, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(c) for c in ordered) + r")(?![\w-])") if codes else None


def _tagline(t: Any, lang: str, known: list[dict[str, Any]], chosen: str | None) -> str:
    """The tagline names the context shown (the chosen one, else the store's only one)."""
    found = [c for c in known if c["code"] == chosen] if chosen else (known if len(known) == 1 else [])
    if not found:
        return str(t("tagline"))
    name = (found[0]["name_ar"] if lang == "ar" else None) or found[0]["name_en"]
    return str(t("tagline_of")).format(place=name)


def page(request: Request, template: str, status: int = 200, **extra: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context(request, **extra), status_code=status)


def _blocks_page(request: Request, title_key: str, build: Any, **extra: Any) -> HTMLResponse:
    lang = i18n.pick(request.query_params.get("lang"))
    t = i18n.translator(lang)
    day_from, day_to, day = _date_param(request, "from"), _date_param(request, "to"), _date_param(request, "date")
    tables.check_window(day_from, day_to)
    tables.check_window(day, None)
    params: dict[str, Any] = {"from": day_from, "to": day_to, "date": day,
              "source": request.query_params.get("source") or None, "by": request.query_params.get("by") or None,
              "set": request.query_params.get("set") or None,
              "indicator": request.query_params.get("indicator") or None,
              "area": request.query_params.get("area") or None, "colour": request.query_params.get("colour") or None,
              "alerts": "all" if request.query_params.get("alerts") == "all" else None,
              "context": request.query_params.get("context") or None}
    if params["by"] not in (None, "day", "week", "month"):
        raise UserError(f"the 'by' filter expects day, week or month, got {params['by']!r}")
    at = _as_of_param(request)
    ctx = context(request)  # its own short connection: a request never holds two of the pool's connections
    # One data version per page (tables.AnswerCache): the warmed pages may show the previous version whole
    # while the new one is computed; any other page is built from the live version.
    pin = tables.Pin(fresh=build not in views.WARMED)
    token = tables.PIN.set(pin)
    try:
        with auth.engine(request).connect() as conn, as_of.held_at(at):
            view = panels.View(conn, lang, t, ctx["name"], params, auth.settings(request).study_workbook)
            try:
                blocks = build(view)
            except tables.StaleVersion:  # an answer not held at the previous version: all of it, fresh
                pin = tables.Pin(fresh=True)
                tables.PIN.set(pin)
                blocks = build(view)
            # the Source filter suggests the context's own lists, never another context's
            source_hint = ", ".join(publisher_label(p) for p in views.context_publishers(view) or [])
    finally:
        tables.PIN.reset(token)
    if at is not None:  # a block's downloads answer as of the same moment as the block
        for b in blocks:
            if b.api:
                b.api_params = {**b.api_params, "as_of": as_of.label(at)}
    if params["context"]:  # every download link answers about the same context
        for block in blocks:
            if block.api:
                block.api_params = block.api_params | {"context": params["context"]}
    computed = datetime.fromtimestamp(pin.made_at, UTC).strftime("%Y-%m-%d %H:%M") if pin.made_at else None
    ctx.update(title=t(title_key), blocks=blocks, as_of=as_of.label(at) if at else None,
               stale_since=computed if pin.stale else None, source_hint=source_hint, **extra)
    return TEMPLATES.TemplateResponse(request, "blocks.html", ctx)


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, _: Reader) -> HTMLResponse:
    return _blocks_page(request, "nav_overview", views.overview, filters=["as_of"])


@router.get("/access", response_class=HTMLResponse)
def access(request: Request, _: Reader) -> HTMLResponse:
    return _blocks_page(request, "nav_access", views.access, filters=["from", "to", "source", "by", "as_of"],
                        default_by="day")


@router.get("/coverage", response_class=HTMLResponse)
def coverage(request: Request, _: Reader) -> HTMLResponse:
    return _blocks_page(request, "nav_coverage", views.coverage, filters=["from", "to", "set", "source", "by", "as_of"],
                        assumption_sets=tables.coverage_sets(), default_by="week")


@router.get("/sources", response_class=HTMLResponse)
def sources(request: Request, _: Reader) -> HTMLResponse:
    return _blocks_page(request, "nav_sources", views.sources, filters=["from", "to", "by", "as_of"])


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, _: Reader) -> HTMLResponse:
    return _blocks_page(request, "nav_map", views.map_view)


@router.get("/data", response_class=HTMLResponse)
def data(request: Request, _: Reader) -> HTMLResponse:
    user = auth.current_user(request)
    return _blocks_page(request, "nav_data", lambda v: views.data(v, bool(user and user.can("admin"))),
                        upload=True, can_upload=bool(user and user.can("editor")))


@router.get("/data/datasets/{dataset_id}", response_class=HTMLResponse)
def dataset(request: Request, dataset_id: int, _: Reader) -> HTMLResponse:
    with auth.engine(request).connect() as conn:
        found, table = tables.import_report(conn, dataset_id)
    return page(request, "import_report.html", title=f"{found['path']}", dataset=found, rejections=table,
                report=None)


@router.post("/data/upload", response_class=HTMLResponse)
def upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str | None, Form()] = None,
    kind: Annotated[str, Form(max_length=32)] = "auto",
    dry_run: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    from lifeline.api.uploads import import_upload

    user = auth.writer(request, "editor", csrf_token)
    report = import_upload(auth.engine(request), file.file, file.filename, user, "web",
                           int(auth.settings(request).max_upload_mb * 1e6), kind, dry_run, auth.credential(request))
    if dry_run:
        checked = tables.checked_rejections(report) if report.rejections else None
        return page(request, "import_report.html", title=report.path, dataset=None, rejections=checked, report=report)
    request.app.state.version.bump()
    found, table = None, None
    if report.dataset_id is not None:
        with auth.engine(request).connect() as conn:
            found, table = tables.import_report(conn, report.dataset_id)
    return page(request, "import_report.html", title=report.path, dataset=found, rejections=table, report=report)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", title=i18n.translator(i18n.pick(request.query_params.get("lang")))("login"),
                next=_safe_next(next), failed=False)


def _safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link borrow Lifeline's login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    if not sessions.csrf_ok(request.state.session, csrf_token):
        raise auth.Forbidden("the form's CSRF token is missing or stale: reload the page and try again")
    logins = request.app.state.logins
    address = request.client.host if request.client else None
    verdict = logins.check(name, address)
    if verdict.wait > 0:  # refused without checking the password: guessing gains nothing here
        retry = math.ceil(verdict.wait)
        if verdict.first_refusal:
            with auth.engine(request).begin() as conn:
                record(conn, name[:64], "web", "login-delayed", address, {"retry_after": retry})
        raise limits.TooBusy(retry, f"too many failed logins for this account or address; retry in {retry} s")
    with auth.engine(request).begin() as conn:
        user = authenticate(conn, name, password)
        if user is None:
            record(conn, name[:64], "web", "login-failed", address, {})
    if user is None:
        logins.failed(name, address)
        t = i18n.translator(i18n.pick(request.query_params.get("lang")))
        return page(request, "login.html", status=401, title=t("login"), next=_safe_next(next), failed=True)
    logins.succeeded(name)
    request.state.session = sessions.new(user.name, user.generation)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Response:
    if not sessions.csrf_ok(request.state.session, csrf_token):
        raise auth.Forbidden("the form's CSRF token is missing or stale: reload the page and try again")
    if request.state.session.user:  # every session of the user ends, the copied cookie too
        with auth.engine(request).begin() as conn:
            end_sessions(conn, request.state.session.user)
    request.state.session = sessions.new(None)
    return RedirectResponse("/", status_code=303)




@router.get("/claims", response_class=HTMLResponse)
def claims_form(request: Request, _: Reader) -> HTMLResponse:
    t = i18n.translator(i18n.pick(request.query_params.get("lang")))
    need_attr("lifeline.claims.check", "check_document")
    return page(request, "claims.html", title=t("nav_claims"), report=None, text=None, day=None,
                max_chars=limits.CLAIMS_FORM_MAX_CHARS)


@router.post("/claims", response_class=HTMLResponse)
def claims_check(
    request: Request,
    _: Reader,
    text: Annotated[str, Form(max_length=limits.CLAIMS_FORM_MAX_CHARS)],
    date_text: Annotated[str | None, Form(alias="date", max_length=10)] = None,
) -> HTMLResponse:
    t = i18n.translator(i18n.pick(request.query_params.get("lang")))
    day = None
    if date_text:
        try:
            day = date.fromisoformat(date_text)
        except ValueError:
            raise UserError(f"the statement date expects YYYY-MM-DD, got {date_text!r}") from None
    try:
        report = tables.check_claims(auth.engine(request), text, day, None, limits.CLAIMS_FORM_MAX_CHARS * 4)
    except UserError as exc:  # e.g. no dateline and no date given: say so beside the form, keep the text
        message = exc.message.replace("--date", t("claims_date"))
        return page(request, "claims.html", status=400, title=t("nav_claims"), report=None, text=text,
                    day=date_text, max_chars=limits.CLAIMS_FORM_MAX_CHARS, error=message)
    from lifeline.claims.highlight import highlight_html

    # highlight_html escapes every character of the statement and of each explanation itself.
    return page(request, "claims.html", title=t("nav_claims"), report=report, text=text, day=date_text,
                max_chars=limits.CLAIMS_FORM_MAX_CHARS, highlighted=Markup(highlight_html(report)))


@router.post("/alerts/ack")
def acknowledge_alert(
    request: Request,
    key: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str | None, Form()] = None,
) -> Response:
    """An editor marks an alert seen from the overview; audited like every write."""
    from lifeline.accounts import record

    store = need("lifeline.alerts.store")
    user = auth.writer(request, "editor", csrf_token)
    with auth.write(request, "alert-ack", key) as conn:
        store.acknowledge(conn, key, by=user.name)
        record(conn, user.name, "web", "alert-ack", key)
    lang = i18n.pick(request.query_params.get("lang"))
    return RedirectResponse("/?lang=ar#block-alerts" if lang == "ar" else "/#block-alerts", status_code=303)
