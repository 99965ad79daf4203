"""The rejections file an import writes when it stores a file but leaves rows out: one HXL-tagged CSV per
stored file (row, column, reason), so the rows to fix can be opened beside the published file.

It goes to ``--rejections DIR``, else ``LIFELINE_REJECTIONS_DIR``, else ``rejections/`` in the user data
directory (where the default store is too). The store keeps the same rows (``GET /api/v1/datasets/{id}/
rejections``); the file is for people at the command line. A dry run writes nothing, this file included.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from lifeline.formats import Column, ResultTable
from lifeline.formats.writers import to_csv
from lifeline.ingest.records import ImportReport

ENV_FOLDER = "LIFELINE_REJECTIONS_DIR"


def folder(explicit: Path | None = None) -> Path:
    """Where rejections files go, in order of precedence (created on first use, not here)."""
    if explicit is not None:
        return explicit.expanduser()
    if os.environ.get(ENV_FOLDER):
        return Path(os.environ[ENV_FOLDER]).expanduser()
    from platformdirs import user_data_dir  # 30 ms to import: only when a file is written

    return Path(user_data_dir("lifeline", appauthor=False)) / "rejections"


def write(report: ImportReport, where: Path) -> Path | None:
    """The file of ``report``'s rejected rows (None when it has none or was a dry run); OSError when the
    folder cannot be written (the caller says so: the import itself is already committed).

    Named after the imported file, its dataset and the moment (``<file>.dataset-<id>.<UTC stamp>.rejections.csv``),
    so two imports, or two stores, never overwrite each other's list.
    """
    if not report.rejections or report.status == "dry-run":
        return None
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(report.path).name)[:120] or "import"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = where / f"{stem}.dataset-{report.dataset_id}.{stamp}.rejections.csv"
    table = ResultTable(
        title=f"Rows rejected from {report.path}",
        columns=[Column("row", "#meta+row"), Column("column", "#meta+column"), Column("reason", "#description")],
        rows=[{k: r.get(k) for k in ("row", "column", "reason")} for r in report.rejections],
    )
    where.mkdir(parents=True, exist_ok=True)
    path.write_text(to_csv(table, hashtags=True, bom=True, safe=True), encoding="utf-8")  # opened in Excel
    return path


def summary(report: ImportReport, written: Path | None) -> str:
    """The line that says how many rows were left out and where they are listed (exit status 1)."""
    count = f"{report.rows_rejected:,} of {report.rows_read:,} rows"
    if report.status == "dry-run":
        return f"  {count} would be rejected, not stored (exit status 1; --format json lists them all)"
    where = f"listed in {written}" if written else "listed above"
    return f"  {count} rejected, not stored: {where} (exit status 1)"
