"""What an import records besides its rows: its accounting (:class:`ImportReport`) and the source row of the
published file. Shared by the import service and the importers that store their own way (locations, upserted
by code in :mod:`lifeline.ingest.hxl_locations`), so each builds the same report and the same source row."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, insert, select

from lifeline.ingest.base import SourceInfo
from lifeline.store import schema


@dataclass
class ImportReport:
    """What one import did; the JSON shape of ``lifeline import --format json``."""

    path: str
    kind: str
    series: str
    rows_read: int
    rows_imported: int
    rows_unchanged: int
    rows_changed: int
    rows_rejected: int
    rows_flagged: int
    rows_withdrawn: int
    rejections: list[dict[str, Any]] = field(default_factory=list)
    dataset_id: int | None = None
    status: str = "imported"  # imported | updated | unchanged | dry-run
    message: str = ""
    parts: list[dict[str, Any]] = field(default_factory=list)  # one per publisher, when a file holds several
    # rows kept with each flag (a row may carry several), so the summary says what was flagged, not only how many
    flag_counts: dict[str, int] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """What became of the file's rows: ``stored`` (every row read is in the store, new or already there)
        or ``stored-with-rejections`` (the others are; the rejected rows are named, not stored); a dry run
        says ``would-store`` / ``would-store-with-rejections``. A refused file has no report (it raised)."""
        prefix = "would-store" if self.status == "dry-run" else "stored"
        return f"{prefix}-with-rejections" if self.rows_rejected else prefix

    @property
    def exit_status(self) -> int:
        """The command line's status for this file: 0 when every row was stored, 1 when the file was stored
        but rows were rejected (a dry run: would be); a refusal, 2, is raised as a ``UserError`` instead."""
        return STORED_WITH_REJECTIONS if self.rows_rejected else STORED_WHOLE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"outcome": self.outcome}


# The exit statuses of every command that imports (import, context init, sources fetch, watch --once):
# decided for issue 15 so that a script tells a whole file from one stored with rejected rows.
STORED_WHOLE, STORED_WITH_REJECTIONS, REFUSED = 0, 1, 2


def exit_status(statuses: list[int]) -> int:
    """One status for several files: the worst of them (a refusal beats rejections beats a clean import)."""
    return max(statuses, default=STORED_WHOLE)


def published_from_name(path: Path) -> date | None:
    """The date stamp publishers put in file names (``...-20241111.csv``), if any."""
    match = re.search(r"(20\d{2})(\d{2})(\d{2})(?!\d)", path.name)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def source_row(conn: Connection, info: SourceInfo, path: Path, digest: str) -> int:
    """The id of the source row for this published file (one per publisher, title and file hash), added if new."""
    t = schema.sources
    found = conn.execute(
        select(t.c.id).where(and_(t.c.publisher == info.publisher, t.c.title == info.title, t.c.sha256 == digest))
    ).scalar()
    if found is not None:
        return int(found)
    key = conn.execute(
        insert(t).values(
            publisher=info.publisher,
            title=info.title,
            url=info.url,
            licence=info.licence,
            published=info.published or published_from_name(path),
            retrieved=date.today(),
            sha256=digest,
            note=info.note,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])
