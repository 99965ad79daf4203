"""A p-code matched to a place by name, recorded as an alias of the place: versioned, with its source.

The alias is added to ``locations.aliases`` under a dataset of its own (kind ``boundaries``, the
boundaries file and its source), with a revision holding the aliases before and after, so
``lifeline revisions`` shows where each alias came from and a later locations file that drops it is a
revision too. Every later HXL file keyed by the p-code then reads onto the place (``ingest.places``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select, update

from lifeline.digest import sha256
from lifeline.geo.boundary_match import Matched
from lifeline.ingest.base import series_name
from lifeline.store import schema

HOW = {"name": "name", "spelling": "spelling variant of the name", "mapping": "--match"}


def record(conn: Connection, matches: Iterable[Matched], path: Path, source_id: int,
           imported_by: str | None = None) -> int:
    """Add each match's p-code to its place's aliases (inside the caller's transaction); the count added."""
    wanted: dict[str, list[Matched]] = {}
    for m in matches:
        wanted.setdefault(m.place, []).append(m)
    if not wanted:
        return 0
    t = schema.locations
    stored = {code: list(aliases or []) for code, aliases in
              conn.execute(select(t.c.code, t.c.aliases).where(t.c.code.in_(list(wanted))))}
    changes: dict[str, tuple[list[str], list[str]]] = {}
    for place, ms in wanted.items():
        old = stored.get(place, [])
        have = {str(a).strip().upper() for a in old}
        new = old + [m.pcode for m in ms if m.pcode.upper() not in have]
        if len(new) > len(old):
            changes[place] = (old, new)
    if not changes:
        return 0
    now = datetime.now(UTC)
    added = sum(len(new) - len(old) for old, new in changes.values())
    key = conn.execute(insert(schema.datasets).values(
        kind="boundaries", series=series_name(path), source_id=source_id, path=path.name, sha256=sha256(path),
        imported_at=now, rows_read=sum(len(ms) for ms in wanted.values()), rows_imported=0, rows_unchanged=0,
        rows_changed=len(changes), rows_rejected=0, rows_flagged=0, rows_withdrawn=0, imported_by=imported_by,
        note=f"p-codes of {path.name} recorded as aliases of their places ({added}), matched " + "; ".join(
            f"by {HOW[how]}: {', '.join(sorted(m.pcode for ms in wanted.values() for m in ms if m.how == how))}"
            for how in sorted({m.how for ms in wanted.values() for m in ms})),
    )).inserted_primary_key
    assert key is not None
    dataset_id = int(key[0])
    for place, (old, new) in changes.items():
        conn.execute(update(t).where(t.c.code == place).values(aliases=new))
        conn.execute(insert(schema.revisions).values(
            table_name="locations", record_id=0, dataset_id=dataset_id, previous_dataset_id=dataset_id,
            changed_at=now, action="changed", old_values={"code": place, "aliases": old},
            new_values={"code": place, "aliases": new},
        ))
    return added
