"""The store as Lifeline held it at a moment T: the rows of deliveries or observations as of T.

Lifeline never overwrites silently: each import records what it changed, withdrew or restored in
``revisions`` (with ``changed_at`` and the old values), and a dataset's ``imported_at`` says when its
rows arrived. So the state at T is recoverable from the store alone:

* a row counts if the dataset that first brought it was imported at or before T;
* it is absent at T if the earliest withdrawal/restoration recorded *after* T is a restoration (it
  was withdrawn at T), present if that is a withdrawal, and otherwise as it is now;
* each value a later revision changed is put back: for a column, the old value of the earliest
  revision after T that touched it; otherwise the current value;
* the dataset that wrote the row at T (for its citation) is the ``previous_dataset_id`` of the earliest
  revision after T.

:func:`rows_at` returns a selectable with the table's own column names (``withdrawn_dataset_id`` is
NULL for every row present at T), so the read-side queries swap it in for the table and keep their
SQL. Rows without a later revision (nearly all of them) are read as they are; only revised rows pay
for the per-column look-ups. JSON access is the only dialect-specific part (SQLite ``json_extract``,
PostgreSQL ``->>``), kept here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Float,
    Integer,
    Select,
    Table,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from lifeline.errors import UserError
from lifeline.store import schema

# YYYY-MM-DD, optionally THH:MM[:SS[.ffffff]], optionally Z or an offset (converted to UTC).
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$")

# Columns a revision never changes: the row's identity and where it first came from.
_FIXED = ("id", "series", "source_row_id", "first_dataset_id")
_STATUS = ("withdrawn", "restored")

# The moment a face asked for (``--as-of``, ``as_of``): every read of deliveries and observations made
# while it is set answers as of then, so a model and every query under it agree without each
# function in between passing it on.
_HELD: ContextVar[datetime | None] = ContextVar("lifeline_as_of", default=None)


@contextmanager
def held_at(at: datetime | None) -> Iterator[None]:
    """Answer every store read inside the block as Lifeline held the store at ``at`` (None: now)."""
    token = _HELD.set(at)
    try:
        yield
    finally:
        _HELD.reset(token)


def current() -> datetime | None:
    """The as-of moment in force (None: the store as it is now)."""
    return _HELD.get()


def parse(text: str, name: str = "--as-of") -> datetime:
    """A moment written ``YYYY-MM-DD`` (the end of that day, UTC) or ``YYYY-MM-DDTHH:MM:SS`` (UTC).

    A bare date means "what was known on that day", so the whole day counts (23:59:59.999999).
    """
    raw = text.strip()
    if not _MOMENT.match(raw):
        raise UserError(f"{name} {text!r} is not a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SS (UTC)")
    try:
        if len(raw) == 10:
            day = datetime.strptime(raw, "%Y-%m-%d")
            return day.replace(hour=23, minute=59, second=59, microsecond=999999, tzinfo=UTC)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"{name} {text!r} is not a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SS (UTC)") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def label(at: datetime) -> str:
    """How an as-of moment is written in a query and a note: ISO, UTC, to the second."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def note(at: datetime) -> str:
    """The note every answer as of ``at`` carries, so a reader never mistakes it for today's."""
    return (f"as of {label(at)}: the figures Lifeline would have given with the versions it held then "
            "(rows imported later left out, later withdrawals undone, later revisions put back)")


def _json_value(conn: Connection, doc: Any, key: str, column: Any) -> ColumnElement[Any]:
    """The value of ``key`` in a JSON document, typed as ``column``."""
    if conn.dialect.name == "postgresql":
        text = doc.op("->>", return_type=Text)(literal(key, Text))
        if isinstance(column.type, (Float, Integer, Date)):
            return cast(text, column.type)
        return type_coerce(text, column.type)
    # SQLite's json_extract returns native numbers and text; dates stay ISO text, as SQLite stores them.
    return type_coerce(func.json_extract(doc, f'$."{key}"'), column.type)


def _json_has(conn: Connection, doc: Any, key: str) -> ColumnElement[bool]:
    """Whether a JSON document names ``key`` (a JSON null counts: the old value was missing)."""
    if conn.dialect.name == "postgresql":
        return doc.op("->", return_type=Text)(literal(key, Text)).is_not(None)
    return func.json_type(doc, f'$."{key}"').is_not(None)


def rows_at(conn: Connection, table: Table, at: datetime | None) -> Any:
    """``table`` (deliveries or observations) as held at ``at`` (default: the moment of :func:`held_at`);
    the table itself when there is none."""
    at = at if at is not None else _HELD.get()
    if at is None:
        return table
    t, r, ds = table, schema.revisions, schema.datasets
    at = at.astimezone(UTC)
    arrived = t.c.first_dataset_id.in_(select(ds.c.id).where(ds.c.imported_at <= at))

    def later(*cond: Any) -> Any:
        return and_(r.c.table_name == t.name, r.c.record_id == t.c.id, r.c.changed_at > at, *cond)

    revised = exists().where(later())
    plain = select(*[t.c[c.name] if c.name != "withdrawn_dataset_id" else null().label(c.name) for c in t.columns])
    plain = plain.where(arrived, not_(revised), t.c.withdrawn_dataset_id.is_(None))

    first_status = (
        select(r.c.action).where(later(r.c.action.in_(_STATUS))).order_by(r.c.id).limit(1).scalar_subquery()
    )
    present = case(
        (first_status == literal("withdrawn"), True),
        (first_status == literal("restored"), False),
        else_=t.c.withdrawn_dataset_id.is_(None),
    )
    columns: list[Any] = []
    for c in t.columns:
        if c.name in _FIXED:
            columns.append(t.c[c.name])
        elif c.name == "withdrawn_dataset_id":
            columns.append(null().label(c.name))
        elif c.name == "dataset_id":
            prev = select(r.c.previous_dataset_id).where(later()).order_by(r.c.id).limit(1).scalar_subquery()
            columns.append(func.coalesce(prev, t.c.dataset_id).label(c.name))
        else:
            touched = later(_json_has(conn, r.c.old_values, c.name))
            old = select(_json_value(conn, r.c.old_values, c.name, c)).where(touched).order_by(r.c.id).limit(1)
            columns.append(
                case((exists().where(touched), old.scalar_subquery()), else_=t.c[c.name]).label(c.name)
            )
    patched: Select[Any] = select(*columns).where(arrived, revised, present)
    return union_all(plain, patched).subquery(f"{t.name}_as_of")


def deliveries(conn: Connection, at: datetime | None) -> Any:
    """``deliveries`` as held at ``at`` (or at the moment of :func:`held_at`)."""
    return rows_at(conn, schema.deliveries, at)


def observations(conn: Connection, at: datetime | None) -> Any:
    """``observations`` as held at ``at`` (or at the moment of :func:`held_at`)."""
    return rows_at(conn, schema.observations, at)


def delivery_summary(conn: Connection, at: datetime | None = None) -> Any:
    """``delivery_summary`` as it would have read at ``at``: the same per-day sums, over :func:`deliveries`.

    The summary table only holds the current state; as of an earlier moment the sums are taken from
    the rows as held then (slower, exact). Without a moment it is the table itself.
    """
    from lifeline.store.tables_ingest import SUMMARY_KEYS
    from lifeline.store.tables_ingest import delivery_summary as table

    at = at if at is not None else _HELD.get()
    if at is None:
        return table
    d = deliveries(conn, at)
    keys = [d.c.dataset_id, d.c.series, *[d.c[k] for k in SUMMARY_KEYS]]
    return (
        select(
            *keys,
            func.sum(d.c.consignments).label("consignments"),
            func.sum(d.c.trucks).label("trucks"),
            func.sum(d.c.kg).label("kg"),
            func.count(d.c.kg).label("rows_with_weight"),
            func.count().label("rows"),
        )
        .group_by(*keys)
        .subquery("delivery_summary_as_of")
    )
