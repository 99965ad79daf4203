"""HXL locations files (codes, types, names in English and Arabic, aliases, parents, coordinates, areas).

Locations are keyed by their stable code, not by a file row id, so they are upserted: a new code is
imported, a code whose values differ is changed (old values kept in ``revisions``, record_id 0 with the
code in the values), an identical one is unchanged. The import service calls :func:`store_locations`
for a parsed file whose target is ``"locations"``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, insert, select, update

from lifeline.assumptions import AssumptionSet
from lifeline.ingest.base import Parsed, rejections, series_name
from lifeline.ingest.hxl_read import HxlRaw
from lifeline.ingest.hxl_rows import ROW, citation, found, refuse, source_of
from lifeline.ingest.hxl_tags import Columns, cell
from lifeline.ingest.hxl_values import number
from lifeline.ingest.records import ImportReport, source_row
from lifeline.store import schema

FIELDS = ["code", "type", "name_en", "name_ar", "aliases", "parent_code", "lat", "lon", "area_km2", "route", "serves"]
CODE = ("#loc+code-parent-serves", "#adm1+code-parent-serves")
# An entry point's route when the file gives no #loc+route: implied by its type (HXL files name entry
# points by type; these are the types Lifeline's own reference set and the worked example use).
ROUTE_OF_TYPE = {
    "crossing": "land", "land-crossing": "land", "border-crossing": "land", "checkpoint": "land",
    "port": "sea", "sea-route": "sea", "pier": "sea", "sea-crossing": "sea",
    "air-route": "air", "airdrop": "air", "airport": "air", "airstrip": "air",
}
ROUTES = ("land", "sea", "air")
NAME_EN = ("#loc+name+i_en", "#loc+name-i_ar-alias", "#adm1+name+i_en", "#adm1+name-i_ar-alias")


def is_locations(columns: Columns) -> bool:
    return columns.has(*CODE) and columns.has("#loc+type") and columns.has("#loc+name", "#adm1+name")


def normalise(raw: HxlRaw, columns: Columns, rules: AssumptionSet, path: Path) -> Parsed:
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
        "route": columns.take("#loc+route", "#loc+type+route"),
        "serves": columns.take("#loc+code+serves", "#adm1+code+serves"),
    }
    work = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias(ROW),
        *[cell(columns, at[f]).alias(f) for f in ("code", "type", "name_en", "name_ar", "parent_code")],
        *[cell(columns, at[f]).alias(f"_{f}_text") for f in ("aliases", "lat", "lon", "area_km2", "route", "serves")],
        **citation(frame, columns),
    )
    work = work.with_columns(
        *[number(pl.col(f"_{f}_text")).alias(f) for f in ("lat", "lon", "area_km2")],
        pl.col("type").str.to_lowercase(),
    )
    route_given = _route_of(pl.col("_route_text"), rules)
    work = work.with_columns(
        pl.when(pl.col("_route_text").is_null())
        .then(pl.col("type").replace_strict(ROUTE_OF_TYPE, default=None, return_dtype=pl.String))
        .otherwise(route_given)
        .alias("route")
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
    if at["route"] is not None:
        problems.append(
            refuse(
                work,
                pl.col("_route_text").is_not_null() & route_given.is_null(),
                columns.label(at["route"]),
                pl.format("expected a route (land, sea or air), found {}", found(pl.col("_route_text"))),
            )
        )
    refused = rejections(*problems).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col(ROW).is_in(refused["row"].implode()))
    aliases = _codes(pl.col("_aliases_text"))
    kept = kept.with_columns(
        pl.when(pl.col("_aliases_text").is_null())
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(aliases)
        .alias("aliases"),
        pl.when(pl.col("_serves_text").is_null())
        .then(pl.lit(None, dtype=pl.List(pl.String)))
        .otherwise(_codes(pl.col("_serves_text")))
        .alias("serves"),
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


def _route_of(text: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    """A route as written (``land``, ``Maritime``, ``Airdrops``...) -> land / sea / air, else null."""
    spellings = {r: [r] for r in ROUTES} | dict(rules.tables.get("routes", {}))
    lookup = {" ".join(str(n).lower().split()): code for code, names in spellings.items() for n in [code, *names]}
    return text.str.to_lowercase().str.replace_all(r"\s+", " ").replace_strict(lookup, default=None,
                                                                              return_dtype=pl.String)


def _codes(text: pl.Expr) -> pl.Expr:
    """A ';'-separated list of codes, trimmed, empties dropped."""
    return (
        text.str.split(";").list.eval(pl.element().str.strip_chars()).list.eval(pl.element().filter(pl.element() != ""))
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
    refused += [
        {
            "row": r[ROW],
            "column": "#loc+code+serves",
            "reason": f"served area {', '.join(unknown)} is not a known location",
        }
        for r in rows
        if (unknown := [c for c in (r["serves"] or []) if c not in known])
    ]
    parents = {code: row["parent_code"] for code, row in stored.items()} | {r["code"]: r["parent_code"] for r in rows}
    refused += [
        {
            "row": r[ROW],
            "column": "#loc+code+parent",
            "reason": f"the parent chain of {r['code']} comes back to itself ({' -> '.join(loop)}): a place "
                      "cannot be its own ancestor",
        }
        for r in rows
        if (loop := _loop(r["code"], parents))
    ]
    refused = list({r["row"]: r for r in reversed(refused)}.values())[::-1]  # one reason per row: the first
    bad = {r["row"] for r in refused}
    while True:  # a row whose parent (or served area) is itself refused cannot be stored either
        gone = {r["code"] for r in rows if r[ROW] in bad} - set(stored)
        more = [
            {"row": r[ROW], "column": "#loc+code+parent",
             "reason": f"parent code {r['parent_code']} is refused in this file (see its row)"}
            for r in rows if r[ROW] not in bad and r["parent_code"] in gone
        ] + [
            {"row": r[ROW], "column": "#loc+code+serves",
             "reason": f"served area {', '.join(sorted(set(r['serves']) & gone))} is refused in this file "
                       "(see its row)"}
            for r in rows if r[ROW] not in bad and r["parent_code"] not in gone and set(r["serves"] or []) & gone
        ]
        if not more:
            break
        refused += more
        bad |= {r["row"] for r in more}
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


def _loop(code: str, parents: dict[str, str | None]) -> list[str]:
    """The codes from ``code`` up its parent chain when that chain returns to ``code``, else []."""
    chain, current = [code], parents.get(code)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return [*chain, code] if current == code else []


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
    new, changed, unchanged, refused = plan(conn, parsed)
    all_refused = rejections(
        parsed.rejections, pl.DataFrame(refused, schema={"row": pl.Int64, "column": pl.String, "reason": pl.String})
    )
    report = ImportReport(
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
    source_id = source_row(conn, parsed.source, path, digest)
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
