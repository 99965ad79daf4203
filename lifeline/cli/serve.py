"""``lifeline serve`` (the dashboard and API on this machine) and ``lifeline demo`` (fresh store, real data)."""

from __future__ import annotations

import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from lifeline.cli.app import app, state
from lifeline.errors import BadFile, UserError

DEFAULT_HOST = "127.0.0.1"  # loopback only unless the operator asks for more
DEFAULT_PORT = 8000


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no conflict
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None


def _run(db_url: str, host: str, port: int, workbook: Path | None = None, watch: bool = False,
         trusted_proxies: list[str] | None = None) -> None:
    import uvicorn

    from lifeline.api.app import create_app
    from lifeline.api.settings import Settings

    _check_port(host, port)
    settings = Settings.from_env(db_url=db_url, study_workbook=str(workbook) if workbook else None,
                                 trusted_proxies=tuple(trusted_proxies) if trusted_proxies else None)
    application = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    print(f"Lifeline is serving at http://{shown}:{port}/  (Ctrl+C to stop)", flush=True)
    stop = _start_watching(db_url) if watch else None
    try:
        # uvicorn's own proxy handling (on by default, trusting 127.0.0.1) is off: Lifeline believes
        # X-Forwarded-For only from the proxies named in its settings (lifeline.api.proxies).
        uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False, proxy_headers=False)
    finally:
        if stop is not None:
            stop.set()


def _start_watching(db_url: str) -> threading.Event:
    """Check registered sources on their schedule in a thread of the server process (``serve --watch``)."""
    from lifeline.alerts import watching
    from lifeline.store.engine import open_store

    stop = threading.Event()
    threading.Thread(target=watching.watch, args=(open_store(db_url), stop), name="lifeline-watch",
                     daemon=True).start()
    print("watching registered sources in the background (see `lifeline sources list`)", flush=True)
    return stop


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: loopback only).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = DEFAULT_PORT,
    watch: Annotated[
        bool, typer.Option("--watch", help="Also check registered sources on their schedule, as `lifeline watch`.")
    ] = False,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option("--trusted-proxy", metavar="CIDR",
                     help="A reverse proxy (address or CIDR block) whose X-Forwarded-For names the client; "
                          "repeatable; replaces LIFELINE_TRUSTED_PROXIES. Default: none."),
    ] = None,
) -> None:
    """Serve the dashboard and the API (/api/v1, OpenAPI at /openapi.json)."""
    from lifeline.config import resolve_db_url

    _run(resolve_db_url(state.db), host, port, watch=watch, trusted_proxies=trusted_proxy)


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager) ends the demo as Ctrl+C does, so its cleanup runs.

    uvicorn installs its own handlers while serving and exits its loop on either signal; this covers
    the moments before and after, when the default action would kill the process on the spot.
    """
    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_store(folder: Path) -> None:
    from lifeline.store.engine import connect

    connect.cache_clear()  # engines of this process hold the file open (harmless on Linux, but tidy)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"removed the demo store {folder}", file=sys.stderr, flush=True)


_STAMP = re.compile(r"(20\d{6})")


def line_lists(folder: Path) -> tuple[list[Path], list[str]]:
    """Files to import, oldest publication first within a series (so a newer list revises an older one);
    the same publication offered twice (CSV and XLSX) is imported once, from the CSV."""
    chosen: dict[tuple[str, str], Path] = {}
    notes: list[str] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        match = _STAMP.search(path.name)
        key = (_STAMP.sub("", path.stem), match[1] if match else "")
        if key in chosen:
            keep, drop = (path, chosen[key]) if path.suffix.lower() == ".csv" else (chosen[key], path)
            chosen[key] = keep
            notes.append(f"skipped {drop.name}: same publication as {keep.name}")
        else:
            chosen[key] = path
    return sorted(chosen.values(), key=_series_and_stamp), notes


def _series_and_stamp(path: Path) -> tuple[str, str]:
    match = _STAMP.search(path.name)
    return _STAMP.sub("", path.stem), match[1] if match else ""


def build_demo(db_url: str, data: Path | None, say=print) -> None:  # type: ignore[no-untyped-def]
    """Fill a fresh store: the reference set (when this build has it), then every line list in ``data``."""
    from lifeline.ingest.service import import_file
    from lifeline.optional import optional
    from lifeline.store.engine import connect

    engine = connect(db_url)
    reference = optional("lifeline.reference.load")
    if reference is not None:
        try:
            reference.load_all(engine)
            say("loaded the reference set (places, population, crossing status, needs, baselines)")
        except UserError as exc:
            say(f"note: the reference set could not be loaded ({exc}); pages that need it say so")
    else:
        say("note: the reference set is not part of this build yet; pages that need it say so")
    if data is None:
        return
    if not data.is_dir():
        raise UserError("--data expects a folder of line lists", file=str(data))
    files, notes = line_lists(data)
    for note in notes:
        say(f"note: {note}")
    workbook = study_workbook(data)
    for path in files:
        if workbook is not None and path == workbook:
            say(f"note: {path.name} is Study A's parameter workbook: used by the studies comparison, not imported")
            continue
        try:
            report = import_file(engine, path, imported_by="demo")
        except BadFile as exc:
            say(f"note: skipped {path.name}: {exc.message}")
            continue
        say(f"imported {path.name} ({report.kind}): {report.message or report.status}")
        if report.rows_rejected:  # the demo starts all the same: its rows are listed, not a reason to stop
            say(f"  {report.rows_rejected} rows of {path.name} rejected, listed at "
                f"/api/v1/datasets/{report.dataset_id}/rejections")
    alerts = optional("lifeline.alerts.evaluate")
    if alerts is not None and files:
        result = alerts.evaluate_after_import(engine)
        if result is not None:
            say(f"alerts evaluated: {result.found} found")


@app.command("demo")
def demo_cmd(
    data: Annotated[
        Path | None, typer.Option("--data", help="Folder of line lists to import (e.g. ../shared/data).")
    ] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = DEFAULT_PORT,
    host: Annotated[str, typer.Option("--host")] = DEFAULT_HOST,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Build the demo store, print its URL, and stop.")
    ] = False,
) -> None:
    """A fresh embedded database with the reference set and the line lists of --data, then serve it.

    Without --db the store is a temporary folder (about 50 MB with the real lists), deleted when the
    demo stops (Ctrl+C, SIGTERM, or an error); with --no-serve it is kept and its URL printed, to be
    used with --db and removed by hand.
    """
    folder: Path | None = None
    if state.db:
        db_url = state.db
    else:
        folder = Path(tempfile.mkdtemp(prefix="lifeline-demo-"))
        db_url = f"sqlite:///{folder / 'demo.db'}"
    print(f"demo database: {db_url}", flush=True)
    try:
        build_demo(db_url, data, say=lambda msg: print(msg, file=sys.stderr, flush=True))
        workbook = study_workbook(data.resolve()) if data else None
        if workbook:
            print(f"Study A workbook: {workbook}", file=sys.stderr, flush=True)
        if no_serve:
            if folder is not None:
                print(f"kept: {folder} (remove it when done)", file=sys.stderr, flush=True)
                folder = None
            return
        with _stop_on_sigterm():
            _run(db_url, host, port, workbook)
    finally:
        if folder is not None:
            _remove_store(folder)


def study_workbook(folder: Path) -> Path | None:
    """Study A's parameter workbook in ``folder``: the journal version when present (it goes with the
    November 2024 UNRWA list), else medRxiv v1."""
    found = sorted(folder.glob("*food_data*.xlsx"))
    journal = [p for p in found if "journal" in p.name]
    chosen = journal or found
    return chosen[0] if chosen else None
