"""Load the bundled reference data set through the HXL importer, like any other file.

The set lives in ``data/`` as HXL-tagged CSV written by the project from public figures, one file
per kind; every row cites publisher, title, URL and date, and figures not confirmed in a primary or
secondary text say UNVERIFIED in their note. Going through ``import_file`` means the reference set
is versioned and accounted like any import: loading it again changes nothing, and an edited row
becomes a revision.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine

from lifeline.digest import sha256
from lifeline.ingest.service import ImportReport, parse, store

DATA = Path(__file__).with_name("data")
PREFIX = "lifeline-reference-"
# Locations first: observations name location codes the locations file defines.
ORDER = ("locations", "population", "displacement", "crossing-status", "facilities", "needs", "averages",
         "food-security")


def files() -> list[Path]:
    """The reference files in load order (known kinds first, then any other file of the set)."""
    found = {p.name[len(PREFIX):-len(".csv")]: p for p in sorted(DATA.glob(f"{PREFIX}*.csv"))}
    ordered = [found.pop(kind) for kind in ORDER if kind in found]
    return ordered + list(found.values())


def load_all(engine: Engine, imported_by: str | None = "lifeline reference load",
             before_commit: Callable[[Connection], None] | None = None) -> list[ImportReport]:
    """Import every reference file (idempotent: unchanged files record nothing) and return the reports.

    ``before_commit`` runs inside each file's transaction just before it commits (the server confirms
    there that the admin's credential still stands); what it raises rolls that file back and stops."""
    return [load_file(engine, path, imported_by, before_commit) for path in files()]


def load_file(engine: Engine, path: Path, imported_by: str | None = None,
              before_commit: Callable[[Connection], None] | None = None) -> ImportReport:
    """One reference file through the HXL importer and the import service, whole or not at all.

    This is ``service.import_file`` with the kind fixed to HXL, except that a locations file goes to
    the HXL importer's own ``store_locations`` (locations are upserted by code, not diffed by row id).
    """
    module, parsed = parse(path, "hxl")
    digest = sha256(path)
    with engine.begin() as conn:
        if parsed.target == "locations":  # type: ignore[comparison-overlap]
            from lifeline.ingest.hxl_locations import store_locations

            report: ImportReport = store_locations(conn, parsed, module.KIND, path, digest, imported_by)
        else:
            report = store(conn, parsed, module.KIND, path, digest, imported_by)
        if before_commit is not None:
            before_commit(conn)
        return report
