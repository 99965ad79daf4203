"""The FastAPI application: pages, API, static files, sessions, security headers and error mapping."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import plotly
from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from lifeline import __version__
from lifeline.api import auth, limits, tables, v1
from lifeline.api.deadline import Deadline
from lifeline.api.login_limits import LoginLimiter
from lifeline.api.middleware import BodyLimit, DataVersion, Frame, ResponseCache
from lifeline.api.proxies import ClientAddress, TrustedProxies, parse_networks
from lifeline.api.refusals import AuditRefusals, RefusalLog
from lifeline.api.settings import Settings
from lifeline.api.token_use import Tokens
from lifeline.errors import NotFound, UserError
from lifeline.optional import NotAvailable
from lifeline.store.engine import connect

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
PLOTLY_JS = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"


# Worker threads for the (synchronous) endpoints. Each holds at most one database connection at a time,
# so this stays within SQLAlchemy's default pool (5 + 10 overflow); more threads would only queue on it.
WORKER_THREADS = 15


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Bound the worker threads; fill the answer cache in a background thread (serving does not wait)."""
    import anyio
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    app.state.warm = "off"
    _freeze_heap()
    try:
        if app.state.settings.warm:
            _start_warming(app)
        # Requests over their time budget finish in this group after their 503 (lifeline.api.deadline).
        async with anyio.create_task_group() as group:
            app.state.detached = group
            yield
            app.state.detached = None
            group.cancel_scope.cancel()
    finally:
        app.state.tokens.close()  # write the token uses not yet recorded


def _start_warming(app: FastAPI) -> None:
    def run() -> None:
        app.state.warm = "running"
        try:
            _publish(app, _warm(app))
            app.state.warm = "done"
        except Exception:  # noqa: BLE001 - the page that needs the answer shows the same error to its visitor
            app.state.warm = "failed"
            logging.getLogger("lifeline").exception("warming the answer cache failed")
        _freeze_heap()
        revalidate = Revalidation(app)
        tables.CACHE.revalidate = revalidate
        app.state.version.on_change.append(lambda _version: revalidate())

    threading.Thread(target=run, name="lifeline-warm", daemon=True).start()


def _publish(app: FastAPI, version: tuple[int, ...] | None) -> None:
    """The version whose pages' answers are all computed, and the store it is of (the cache is the process's)."""
    from lifeline.store.identity import identity

    with app.state.engine.connect() as conn:
        tables.CACHE.published_store = identity(conn)
    tables.CACHE.published = version


def _warm(app: FastAPI) -> tuple[int, ...] | None:
    from lifeline.web.views import warm

    return warm(app.state.engine, app.state.settings.study_workbook)


class Revalidation:
    """After the data change, the pages' default answers computed again, once, in one background thread;
    meanwhile the pages show the previous version's (``tables.AnswerCache``). Asked again while it runs,
    it does nothing: the next page after it asks again if the data changed meanwhile."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._running = False
        self.runs = 0

    def __call__(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
            self.runs += 1
        threading.Thread(target=self._run, name="lifeline-revalidate", daemon=True).start()

    def _run(self) -> None:
        try:
            _publish(self.app, _warm(self.app))
        except Exception:  # noqa: BLE001 - pages go on with the previous version; the next page asks again
            logging.getLogger("lifeline").exception("recomputing the pages' answers failed")
        finally:
            with self._lock:
                self._running = False


def _freeze_heap() -> None:
    """Move what start-up built (modules, cached answers) out of the collector's reach: a full garbage
    collection over it takes 40-80 ms, a pause every request in flight would otherwise share."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The application for ``settings`` (default: from the environment), on ``engine`` or the configured store."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Lifeline API",
        version=__version__,
        description="Humanitarian access and supply-gap monitor: deliveries, access, coverage, sources and "
        "claims, each figure with its sources. JSON by default; CSV or HXL with ?format=csv|hxl.",
        openapi_url="/openapi.json",
        lifespan=_lifespan,
        docs_url=None,  # the bundled Swagger UI loads from a CDN; Lifeline must work offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or connect(settings.db_url)
    app.state.detached = None  # the lifespan's task group, while serving

    app.state.tokens = Tokens(app.state.engine)
    tables.CACHE.published, tables.CACHE.revalidate = None, None  # until this app's warm-up is done
    tables.CACHE.published_store = None
    app.state.logins = LoginLimiter()

    def error_page(request: Request, status: int, message: str) -> Response:
        """The web's HTML error page: the server mounts the pages, so it hands this to the body limit too."""
        from lifeline.web.pages import page

        return page(request, "error.html", status=status, title=str(status), message=message)

    # Outermost first: the client's address (behind trusted proxies), then the frame (session, headers,
    # timing), the audit of refused requests, the time budget, the body limit, the response cache, and the app.
    app.state.version = DataVersion(app.state.engine, settings.version_check_seconds)
    app.add_middleware(ResponseCache, settings=settings, version=app.state.version, state=app.state)
    app.add_middleware(BodyLimit, settings=settings, error_page=error_page)
    app.add_middleware(Deadline, settings=settings)
    app.state.refusals = RefusalLog(app.state.engine)
    app.add_middleware(AuditRefusals, log=app.state.refusals)
    app.add_middleware(Frame, settings=settings)
    app.add_middleware(ClientAddress, proxies=TrustedProxies(parse_networks(settings.trusted_proxies)))

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        status = 404 if isinstance(exc, NotFound) else 400
        if is_api(request):
            return JSONResponse(exc.as_dict(), status_code=status)
        return error_page(request, status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """FastAPI's own errors (unparseable body, unknown path) in Lifeline's one error shape."""
        if is_api(request):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 404:
            return error_page(request, 404, "no such page")
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A body that is not JSON at all: one line naming where it breaks (byte, line, column), 400;
        every other validation error keeps FastAPI's 422 list of fields."""
        broken = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
        if broken is None:
            return await request_validation_exception_handler(request, exc)
        from lifeline.ingest.json_errors import decoded_fault

        body = await request.body()
        loc = broken.get("loc", ())
        text = body.decode("utf-8-sig", errors="replace")
        pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else len(text)
        reason = str((broken.get("ctx") or {}).get("error") or "JSON decode error")
        where, why = decoded_fault(text, pos, reason, bom=body.startswith(b"\xef\xbb\xbf"), what="body")
        message = f"the request body is not valid JSON: {why} {where}"
        return JSONResponse({"error": message, "file": None, "row": None, "column": None}, status_code=400)

    @app.exception_handler(auth.AuthRequired)
    async def auth_required(request: Request, exc: auth.AuthRequired) -> Response:
        if is_api(request) or auth.bearer(request):
            return JSONResponse({"error": exc.message}, status_code=401, headers={"www-authenticate": "Bearer"})
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(auth.Forbidden)
    async def forbidden(request: Request, exc: auth.Forbidden) -> Response:
        if is_api(request):
            return JSONResponse({"error": exc.message}, status_code=403)
        return error_page(request, 403, exc.message)

    @app.exception_handler(limits.TooBusy)
    async def too_busy(request: Request, exc: limits.TooBusy) -> Response:
        headers = {"retry-after": str(exc.retry_after)}
        if is_api(request):
            return JSONResponse({"error": str(exc)}, status_code=429, headers=headers)
        response = error_page(request, 429, str(exc))
        response.headers.update(headers)
        return response

    @app.exception_handler(NotAvailable)
    async def not_available(request: Request, exc: NotAvailable) -> Response:
        if is_api(request):
            return JSONResponse({"error": str(exc)}, status_code=503)
        return error_page(request, 503, str(exc))

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"cache-control": "public, max-age=86400"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    from lifeline.web.pages import router as pages

    app.include_router(v1.router)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
