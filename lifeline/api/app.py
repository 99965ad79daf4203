"""The FastAPI application: pages, API, static files, sessions, security headers and error mapping."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import plotly
from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from lifeline import __version__
from lifeline.api import auth, v1
from lifeline.api import session as sessions
from lifeline.api.settings import Settings
from lifeline.api.tables import NotAvailable
from lifeline.errors import NotFound, UserError
from lifeline.store.engine import connect

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
PLOTLY_JS = Path(plotly.__file__).with_name("package_data") / "plotly.min.js"
# Scripts only from this server; Plotly sets inline styles on the charts it draws.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


@asynccontextmanager
async def _warm_cache(app: FastAPI) -> AsyncIterator[None]:
    """Fill the answer cache in a background thread at start-up; serving does not wait for it."""
    from lifeline.web.views import warm

    def run() -> None:
        try:
            warm(app.state.engine, app.state.settings.study_workbook)
        except Exception:  # noqa: BLE001 - the page that needs the answer shows the same error to its visitor
            logging.getLogger("lifeline").exception("warming the answer cache failed")

    threading.Thread(target=run, name="lifeline-warm", daemon=True).start()
    yield


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The application for ``settings`` (default: from the environment), on ``engine`` or the configured store."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="Lifeline API",
        version=__version__,
        description="Humanitarian access and supply-gap monitor: deliveries, access, coverage, sources and "
        "claims, each figure with its sources. JSON by default; CSV or HXL with ?format=csv|hxl.",
        openapi_url="/openapi.json",
        lifespan=_warm_cache if settings.warm else None,
        docs_url=None,  # the bundled Swagger UI loads from a CDN; Lifeline must work offline
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or connect(settings.db_url)

    @app.middleware("http")
    async def sessions_and_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        request.state.session = sessions.load(request, settings)
        loaded = request.state.session
        response: Response = await call_next(request)
        # Server-Timing lets the benchmark (and a browser's devtools) see the server's own time.
        response.headers["server-timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        current = request.state.session
        if current.fresh or current is not loaded:
            sessions.save(response, current, request, settings)
        response.headers.setdefault("content-security-policy", CSP)
        response.headers.setdefault("x-content-type-options", "nosniff")
        response.headers.setdefault("referrer-policy", "same-origin")
        response.headers.setdefault("x-frame-options", "DENY")
        return response

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error_page(request: Request, status: int, message: str) -> Response:
        from lifeline.web.pages import page

        return page(request, "error.html", status=status, title=str(status), message=message)

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
