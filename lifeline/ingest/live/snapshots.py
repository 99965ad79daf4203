"""Content-addressed copies of every version fetched, with the headers and time they came with.

A version is kept at ``<folder>/<sha[:2]>/<sha>/<publisher's file name>``: the same bytes are kept
once whatever their URL, and the file keeps its published name (the importers read the series and
date stamp from it). The folder is ``LIFELINE_SNAPSHOTS``, else ``snapshots`` in the user data
directory. A file is moved into place only once complete and hashed (see ``http``), so a crash
leaves at most a ``partial-*`` file in ``.partial``, which the next check removes.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_dir
from sqlalchemy import Connection, insert, select

from lifeline.ingest.live.http import Download
from lifeline.store.tables_live import live_snapshots

ENV_SNAPSHOTS = "LIFELINE_SNAPSHOTS"
PARTIAL = ".partial"


def folder() -> Path:
    """Where snapshots are kept (created on demand)."""
    root = Path(os.environ.get(ENV_SNAPSHOTS) or Path(user_data_dir("lifeline", appauthor=False)) / "snapshots")
    root.mkdir(parents=True, exist_ok=True)
    return root


def partial_folder(root: Path) -> Path:
    return root / PARTIAL


def clear_partials(root: Path, older_than: float = 3600.0) -> int:
    """Remove temporary downloads a stopped process left behind (never one another process is writing)."""
    import time

    gone = 0
    for p in partial_folder(root).glob("partial-*"):
        try:
            if time.time() - p.stat().st_mtime > older_than:
                p.unlink()
                gone += 1
        except FileNotFoundError:
            continue
    return gone


def place(root: Path, got: Download) -> Path:
    """Move a complete download to its content address (an atomic rename); the same bytes land once."""
    assert got.path is not None and got.sha256 is not None
    target = root / got.sha256[:2] / got.sha256 / got.filename
    if target.exists():
        got.discard()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(got.path), target)
    got.path = target
    return target


def record(conn: Connection, root: Path, got: Download, fetched_at: datetime) -> int:
    """The snapshot's row (inside the caller's transaction); one row per content hash."""
    assert got.path is not None and got.sha256 is not None
    found = conn.execute(select(live_snapshots.c.id).where(live_snapshots.c.sha256 == got.sha256)).scalar()
    if found is not None:
        return int(found)
    new_id = conn.execute(
        insert(live_snapshots).values(
            sha256=got.sha256,
            path=got.path.relative_to(root).as_posix(),
            bytes=got.bytes,
            content_type=got.content_type,
            url=got.url,
            headers=got.headers,
            fetched_at=fetched_at,
        )
    ).inserted_primary_key
    assert new_id is not None
    return int(new_id[0])
