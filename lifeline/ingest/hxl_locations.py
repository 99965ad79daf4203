"""HXL locations files (codes, types, names in English and Arabic, aliases, parents, coordinates, areas).

Locations are keyed by their stable code, not by a file row id, so they are upserted: a new code is
imported, a code whose values differ is changed (old values kept in ``revisions``, record_id 0 with the
code in the values), an identical one is unchanged. The import service calls :func:`store_locations`
for a parsed file whose target is ``"locations"``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import Connection, insert, select, update

from lifeline.assumptions import AssumptionSet
from lifeline.errors import BadFile
from lifeline.ingest.base import Parsed, rejections, series_name
from lifeline.ingest.hxl_read import HxlRaw
from lifeline.ingest.hxl_rows import ROW, citation, found, refuse, source_of
from lifeline.ingest.hxl_tags import Columns, cell
from lifeline.ingest.hxl_values import number
from lifeline.store import schema

if TYPE_CHECKING:
    from lifeline.ingest.service import ImportReport

FIELDS = ["code", "type", "name_en", "name_ar", "aliases", "parent_code", "lat", "lon", "area_km2"]
CODE = ("#loc+code-parent", "#adm1+code-parent")
NAME_EN = ("#loc+name+i_en", "#loc+name-i_ar-alias", "#adm1+name+i_en", "#adm1+name-i_ar-alias")


def is_locations(columns: Columns) -> bool:
    return columns.has(*CODE) and columns.has("#loc+type") and columns.has("#loc+name", "#adm1+name")


def normalise(raw: HxlRaw, columns: Columns, rules: AssumptionSet, path: Path) -> Parsed:
    del rules
    frame = raw.frame
    at = {
        "code": columns.take(*CODE),
        "type": columns.take("#loc+type"),
        "name_en": columns.take(*NAME_EN),
        "name_ar": columns.take("#loc+name+i_ar", "#adm1+name+i_ar"),
        "aliases": columns.take("#loc+name+alias", "#adm1+name+alias"),
        "parent_code": columns.take("#loc+code+parent", "#adm1+code+parent"),
        "lat": columns.take("#geo+lat"),
        "lon": columns.take("#geo+lon"),
        "area_km2": columns.take("#indicator+num+area_km2"),
    }
    work = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias(ROW),
        *[cell(columns, at[f]).alias(f) for f in ("code", "type", "name_en", "name_ar", "parent_code")],
        *[cell(columns, at[f]).alias(f"_{f}_text") for f in ("aliases", "lat", "lon", "area_km2")],
        **citation(frame, columns),
    )
    work = work.with_columns(
        *[number(pl.col(f"_{f}_text")).alias(f) for f in ("lat", "lon", "area_km2")],
        pl.col("type").str.to_lowercase(),
    )
    problems = [
        refuse(
            work,
            pl.col(f).is_null(),
            _label(columns, at[f], tag),
            f"expected the location's {what}, found nothing",
        )
        for f, tag, what in (
            ("code", "#loc+code", "code"),
            ("type", "#loc+type", "type"),
            ("name_en", "#loc+name", "name"),
        )
    ]
    for f in ("lat", "lon", "area_km2"):
        if at[f] is not None:
            problems.append(
                refuse(
                    work,
                    pl.col(f"_{f}_text").is_not_null() & pl.col(f).is_null(),
                    columns.label(at[f]),  # type: ignore[arg-type]
                    pl.format("expected a number, found {}", found(pl.col(f"_{f}_text"))),
                )
            )
    if at["code"] is not None:
        problems.append(
            refuse(
                work.filter(pl.col("code").is_not_null()),
                pl.int_range(pl.len()).over("code") > 0,
                columns.label(at["code"]),
                pl.format("duplicate location code {} (an earlier row has it)", pl.col("code")),
            )
        )
    refused = rejections(*problems).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col(ROW).is_in(refused["row"].implode()))
    aliases = (
        pl.col("_aliases_text")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars())
        .list.eval(pl.element().filter(pl.element() != ""))
    )
    kept = kept.with_columns(
        pl.when(pl.col("_aliases_text").is_null())
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(aliases)
        .alias("aliases")
    )
    return Parsed(
        target="locations",  # type: ignore[arg-type]  # handled by store_locations, not the row-id diff
        rows=kept.select(ROW, *FIELDS),
        rejections=refused,
        rows_read=frame.height,
        source=source_of(kept, raw, path),
        series=series_name(path),
        note=f"HXL locations file (hashtag row {raw.tag_row})",
    )


def _label(columns: Columns, index: int | None, fallback: str) -> str:
    return columns.label(index) if index is not None else fallback


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def plan(
    conn: Connection, parsed: Parsed
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int, list[dict[str, Any]]]:
    """(new rows, changed rows with their old values, unchanged count, extra rejections); writes nothing.

    A parent code that is neither in the file nor in the store rejects the row (the table's foreign
    key would refuse it anyway).
    """
    t = schema.locations
    stored = {r["code"]: dict(r) for r in conn.execute(select(*[t.c[f] for f in FIELDS])).mappings()}
    rows = parsed.rows.to_dicts()
    known = set(stored) | {r["code"] for r in rows}
    refused = [
        {
            "row": r[ROW],
            "column": "#loc+code+parent",
            "reason": f"parent code {r['parent_code']} is not a known location",
        }
        for r in rows
        if r["parent_code"] and r["parent_code"] not in known
    ]
    bad = {r["row"] for r in refused}
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for row in _parents_first([r for r in rows if r[ROW] not in bad]):
        values = {f: _jsonable(row[f]) for f in FIELDS}
        old = stored.get(row["code"])
        if old is None:
            new.append(values)
            continue
        differs = {f: _jsonable(old[f]) for f in FIELDS if _jsonable(old[f]) != values[f]}
        if differs:
            changed.append({"values": values, "old": differs})
        else:
            unchanged += 1
    return new, changed, unchanged, refused


def write(
    conn: Connection, new: list[dict[str, Any]], changed: list[dict[str, Any]], source_id: int, dataset_id: int
) -> None:
    t = schema.locations
    now = datetime.now(UTC)
    for values in new:
        conn.execute(insert(t).values(**values, source_id=source_id))
    for change in changed:
        values, old = change["values"], change["old"]
        conn.execute(update(t).where(t.c.code == values["code"]).values(**values, source_id=source_id))
        conn.execute(
            insert(schema.revisions).values(
                table_name="locations",
                record_id=0,
                dataset_id=dataset_id,
                previous_dataset_id=dataset_id,
                changed_at=now,
                action="changed",
                old_values={"code": values["code"], **old},
                new_values={"code": values["code"], **{f: values[f] for f in old}},
            )
        )


def parent_loop(conn: Connection, parsed: Parsed) -> tuple[int, list[str]] | None:
    """(file row, the codes of the loop) when following parents from a row of the file comes back to a code.

    The file's parents override the stored ones, so a loop through both (the store has A under B,
    the file puts B under A) is found too. Without this the ordering below never ends cleanly.
    """
    t = schema.locations
    parents = {r[0]: r[1] for r in conn.execute(select(t.c.code, t.c.parent_code))}
    rows = parsed.rows.select(ROW, "code", "parent_code").to_dicts()
    parents.update({r["code"]: r["parent_code"] for r in rows})
    for r in rows:
        chain = [r["code"]]
        code = r["parent_code"]
        while code:
            if code in chain:
                return int(r[ROW]), [*chain[chain.index(code) :], code]
            chain.append(code)
            code = parents.get(code)
    return None


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order rows so every parent defined in the file is written before its children."""
    by_code = {r["code"]: r for r in rows}
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()

    def visit(row: dict[str, Any], depth: int = 0) -> None:
        if row["code"] in seen or depth > 50:
            return
        parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        if parent is not None and parent["code"] != row["code"]:
            visit(parent, depth + 1)
        seen.add(row["code"])
        ordered.append(row)

    for row in rows:
        visit(row)
    return ordered


def store_locations(
    conn: Connection, parsed: Parsed, kind: str, path: Path, digest: str, imported_by: str | None = None
) -> ImportReport:
    """The import service's ``store`` for a locations file: one dataset row, upserts, full accounting."""
    from lifeline.ingest import service

    loop = parent_loop(conn, parsed)
    if loop is not None:
        row, chain = loop
        raise BadFile(
            f"the parent codes loop ({' -> '.join(chain)}); expected every chain of parents to end at a "
            "location with none",
            file=str(path),
            row=row,
            column="#loc+code+parent",
        )
    new, changed, unchanged, refused = plan(conn, parsed)
    all_refused = rejections(
        parsed.rejections, pl.DataFrame(refused, schema={"row": pl.Int64, "column": pl.String, "reason": pl.String})
    )
    report = service.ImportReport(
        path=str(path),
        kind=kind,
        series=parsed.series,
        rows_read=parsed.rows_read,
        rows_imported=len(new),
        rows_unchanged=unchanged,
        rows_changed=len(changed),
        rows_rejected=all_refused.height,
        rows_flagged=0,
        rows_withdrawn=0,
        rejections=all_refused.to_dicts(),
    )
    assert report.rows_read == len(new) + unchanged + len(changed) + all_refused.height, (
        "row accounting does not balance"
    )
    if not new and not changed:
        previous = conn.execute(
            select(schema.datasets.c.id)
            .where(schema.datasets.c.series == parsed.series)
            .order_by(schema.datasets.c.id.desc())
        ).first()
        if previous is not None:
            report.status, report.dataset_id = "unchanged", int(previous[0])
            report.message = f"nothing changed: all {unchanged} locations are already stored; nothing written"
            return report
    source_id = service._source(conn, parsed.source, path, digest)
    dataset_id = int(
        conn.execute(  # type: ignore[index]
            insert(schema.datasets).values(
                kind=kind,
                series=parsed.series,
                source_id=source_id,
                path=path.name,
                sha256=digest,
                imported_at=datetime.now(UTC),
                rows_read=report.rows_read,
                rows_imported=report.rows_imported,
                rows_unchanged=unchanged,
                rows_changed=report.rows_changed,
                rows_rejected=report.rows_rejected,
                rows_flagged=0,
                rows_withdrawn=0,
                note=parsed.note,
                imported_by=imported_by,
            )
        ).inserted_primary_key[0]
    )
    write(conn, new, changed, source_id, dataset_id)
    if all_refused.height:
        conn.execute(insert(schema.rejections), [dict(r, dataset_id=dataset_id) for r in all_refused.to_dicts()])
    report.dataset_id = dataset_id
    report.status = "updated" if changed or unchanged else "imported"
    report.message = (
        f"{len(new)} locations imported, {len(changed)} changed, {unchanged} unchanged, {all_refused.height} rejected"
    )
    return report
