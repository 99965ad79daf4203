"""Checking a registered source: find its files, fetch what changed, import each new version.

A check has two halves. ``look`` talks to the publisher only (safe to run for many sources in
parallel): HDX's resource list, then one conditional request per file. ``settle`` writes: for a
complete new body whose hash differs from the last one, the snapshot, the import through the
ordinary import service, the file's new state and the attempt are committed in ONE transaction,
so a process stopped at any point either did all of it or none of it, and the next check
neither loses the version nor imports it twice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, insert, select, update

from lifeline.assumptions import AssumptionSet
from lifeline.errors import UserError
from lifeline.ingest import service
from lifeline.ingest.live import hdx, snapshots
from lifeline.ingest.live.http import Download, FetchError, download
from lifeline.ingest.live.registry import parse_location
from lifeline.ingest.records import REFUSED, STORED_WHOLE, STORED_WITH_REJECTIONS
from lifeline.store import schema
from lifeline.store.tables_live import live_fetches, live_files

OUTCOMES = ("new-version", "unchanged", "not-modified", "error")


@dataclass
class Look:
    """What the publisher said about one file of a source (or why it could not be asked)."""

    source: dict[str, Any]
    resource: str
    url: str
    started_at: datetime
    published_modified: str | None = None
    got: Download | None = None
    error: FetchError | None = None
    skipped: bool = False  # HDX says the resource has not been modified since the last check


@dataclass
class Attempt:
    """One recorded attempt: the row written to ``live_fetches``, plus the import report if any."""

    source: str
    resource: str
    outcome: str
    started_at: datetime
    finished_at: datetime
    http_status: int | None = None
    bytes: int | None = None
    sha256: str | None = None
    dataset_id: int | None = None
    error: str | None = None
    report: dict[str, Any] | None = field(default=None, repr=False)
    refused: bool = False  # the file was fetched but does not import (an error of the file, not the fetch)

    @property
    def rows_rejected(self) -> int | None:
        """Rows of a new version left out (named in the store's rejections); None without an import."""
        return int(self.report["rows_rejected"]) if self.report else None

    @property
    def exit_status(self) -> int:
        """As ``lifeline import``: 2 a file refused, 1 a version stored with rejected rows or a check that
        failed (network, publisher), 0 otherwise."""
        if self.refused:
            return REFUSED
        return STORED_WITH_REJECTIONS if self.outcome == "error" or self.rows_rejected else STORED_WHOLE

    def as_dict(self) -> dict[str, Any]:
        return ({k: v for k, v in self.__dict__.items() if k not in ("report", "refused")}
                | {"rows_rejected": self.rows_rejected, "import": self.report})


def _files(conn: Connection, source_id: int) -> dict[str, dict[str, Any]]:
    rows = conn.execute(select(live_files).where(live_files.c.source_id == source_id))
    return {r.resource: dict(r._mapping) for r in rows}


def _token(source: dict[str, Any]) -> str | None:
    name = source.get("token_env")
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise FetchError(f"the environment variable {name} that holds this source's token is not set")
    return value


def look(source: dict[str, Any], known: dict[str, dict[str, Any]], client: httpx.Client, root: Path,
         rules: AssumptionSet) -> list[Look]:
    """Ask the publisher about every file of ``source``; never raises (a failure is a Look with its error)."""
    started = datetime.now(UTC)
    timeout = rules.value("timeout_seconds")
    try:
        where = parse_location(source["location"])
        token = _token(source)
        if where.is_hdx:
            assert where.dataset is not None
            targets = [(r.id, r.url, r.last_modified)
                       for r in hdx.resources(where.dataset, where.resource, timeout=timeout)]
        else:
            assert where.url is not None
            targets = [("", where.url, None)]
    except (FetchError, UserError) as exc:
        err = exc if isinstance(exc, FetchError) else FetchError(str(exc))
        return [Look(source, "", str(source["location"]), started, error=err)]
    out = []
    for resource, url, modified in targets:
        seen = known.get(resource, {})
        item = Look(source, resource, url, datetime.now(UTC), published_modified=modified)
        if modified and seen.get("published_modified") == modified and seen.get("url") == url and seen.get("sha256"):
            item.skipped = True
            out.append(item)
            continue
        try:
            item.got = download(client, url, snapshots.partial_folder(root), seen.get("etag"),
                                seen.get("http_last_modified"), token, int(rules.value("max_bytes")))
        except FetchError as exc:
            item.error = exc
        out.append(item)
    return out


def settle(engine: Engine, item: Look, root: Path, normalisation: AssumptionSet | None = None) -> Attempt:
    """Record one Look; import a new version in the same transaction as its record."""
    source, now = item.source, datetime.now(UTC)
    attempt = Attempt(source["name"], item.resource, "error", item.started_at, now)
    got = item.got
    if item.error is not None:
        attempt.error, attempt.http_status, attempt.bytes = str(item.error), item.error.status, item.error.received
        _record(engine, source, item, attempt)
        return attempt
    if item.skipped or (got is not None and got.not_modified):
        attempt.outcome = "not-modified"
        attempt.http_status = None if item.skipped else 304
        _record(engine, source, item, attempt)
        return attempt
    assert got is not None and got.path is not None
    attempt.http_status, attempt.bytes, attempt.sha256 = got.status, got.bytes, got.sha256
    with engine.connect() as conn:
        seen = _files(conn, source["id"]).get(item.resource, {})
    if seen.get("sha256") == got.sha256:
        got.discard()
        attempt.outcome = "unchanged"
        _record(engine, source, item, attempt)
        return attempt
    try:
        _import(engine, item, got, root, attempt, normalisation)
    except UserError as exc:
        exc.file = item.url  # the publisher's file, as the user registered it, never the snapshot's path
        attempt.outcome, attempt.error, attempt.refused = "error", f"the file does not import: {exc}", True
        _record(engine, source, item, attempt)
    return attempt


def _import(engine: Engine, item: Look, got: Download, root: Path, attempt: Attempt,
            normalisation: AssumptionSet | None) -> None:
    """Snapshot, parse, store and record, in one transaction."""
    source = item.source
    kind = str(source["kind"])
    path = snapshots.place(root, got)  # a file without its row is harmless: the next check records it
    module, parsed = service.parse(path, kind, normalisation)
    with engine.begin() as conn:
        report = service.store(conn, parsed, module.KIND, path, str(got.sha256),
                               imported_by=f"lifeline sources ({source['name']})")
        snapshot_id = snapshots.record(conn, root, got, attempt.finished_at)
        attempt.report = report.as_dict() | {"rejections": len(report.rejections)}
        attempt.dataset_id = report.dataset_id
        attempt.outcome = "unchanged" if report.status == "unchanged" else "new-version"
        if attempt.outcome == "new-version" and report.dataset_id is not None:
            _cite_retrieval(conn, report.dataset_id, item.url, attempt.finished_at)
        _write(conn, source, item, attempt, snapshot_id)


def _cite_retrieval(conn: Connection, dataset_id: int, url: str, fetched_at: datetime) -> None:
    """The new version's citation carries the date it was retrieved and, if it had none, its URL."""
    ds, s = schema.datasets, schema.sources
    source_id = conn.execute(select(ds.c.source_id).where(ds.c.id == dataset_id)).scalar_one()
    row = conn.execute(select(s.c.url, s.c.note).where(s.c.id == source_id)).one()
    fetched = f"retrieved {fetched_at:%Y-%m-%d %H:%M} UTC from {url}"
    conn.execute(
        update(s)
        .where(s.c.id == source_id)
        .values(retrieved=fetched_at.date(), url=row.url or url, note=f"{row.note}; {fetched}" if row.note else fetched)
    )


def _record(engine: Engine, source: dict[str, Any], item: Look, attempt: Attempt) -> None:
    with engine.begin() as conn:
        _write(conn, source, item, attempt, None)


def _write(conn: Connection, source: dict[str, Any], item: Look, attempt: Attempt, snapshot_id: int | None) -> None:
    """The attempt's row and, unless it failed, the file's new state (what the next check compares with)."""
    conn.execute(
        insert(live_fetches).values(
            source_id=source["id"], resource=item.resource, started_at=attempt.started_at,
            finished_at=attempt.finished_at, outcome=attempt.outcome, http_status=attempt.http_status,
            bytes=attempt.bytes, sha256=attempt.sha256, snapshot_id=snapshot_id, dataset_id=attempt.dataset_id,
            error=attempt.error[:2000] if attempt.error else None,
        )
    )
    if attempt.outcome == "error":
        return
    got = item.got
    state: dict[str, Any] = {"url": item.url}
    if item.published_modified:
        state["published_modified"] = item.published_modified
    if got is not None:
        state |= {"etag": got.etag, "http_last_modified": got.last_modified}
    if attempt.sha256:
        state["sha256"] = attempt.sha256
    if attempt.outcome == "new-version":
        state |= {"dataset_id": attempt.dataset_id, "changed_at": attempt.finished_at}
    exists = conn.execute(
        select(live_files.c.id).where(live_files.c.source_id == source["id"], live_files.c.resource == item.resource)
    ).scalar()
    if exists is None:
        conn.execute(insert(live_files).values(source_id=source["id"], resource=item.resource, **state))
    else:
        conn.execute(update(live_files).where(live_files.c.id == exists).values(**state))
