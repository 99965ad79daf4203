"""Any answer as Lifeline would have given it at an earlier moment, and "then" beside "now".

Every question is a function returning a ``ResultTable``; :func:`answer` runs it with the store as
held at T (:mod:`lifeline.store.as_of`, which every read of deliveries and observations honours) and
says so in the table's ``query`` and notes. :func:`then_and_now` runs it twice and lines the two
answers up row by row: the figures then, now, and the change, so "what did we know on 15 September
2024, and what do we know now?" is one table for any question.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.store import as_of as held

Question = Callable[[], ResultTable]
# Text columns that are findings, not what a row is about (a crossing's status with its basis, the date it
# rests on and stands until, its source, a flag, an "n/a" reason): shown then and now, never used to match rows.
VALUE_TAGS = ("#status", "#meta+flag", "#meta+source+status", "#date+reported", "#date+valid", "#meta+na")


def answer(at: datetime | None, question: Question) -> ResultTable:
    """``question()`` answered with the store as held at ``at`` (``at`` None: as it is now).

    The table is copied before it is stamped, so a cached answer is never changed in place.
    """
    with held.held_at(at):
        table = question()
    if at is None:
        return table
    return replace(table, query={**table.query, "as_of": held.label(at)}, notes=[*table.notes, held.note(at)])


def ask(at: datetime | None, compare_now: bool, question: Question, option: str = "--as-of") -> ResultTable:
    """What every face calls: the answer at ``at``, or (``compare_now``) that answer beside today's."""
    if compare_now:
        if at is None:
            raise UserError(f"comparing with now needs an earlier moment: give {option} YYYY-MM-DD too")
        return then_and_now(at, question)
    return answer(at, question)


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def then_and_now(at: datetime, question: Question, figures: Sequence[str] | None = None) -> ResultTable:
    """The answer at ``at`` beside today's: each figure as ``<figure>_then``, ``_now``, ``_change``.

    ``figures`` default to every numeric column. Rows are matched on the columns that hold no numbers
    (period, crossing, source...) except findings (:data:`VALUE_TAGS`: a status, a flag), which are
    shown then and now; other numeric columns are left out. A row known
    on one side only keeps the other side missing, never zero: the change is then missing too, and a
    note says how many rows only one side has.
    """
    then = answer(at, question)
    now = answer(None, question)
    every = [*now.columns, *[c for c in then.columns if c.key not in {n.key for n in now.columns}]]
    numeric = {c.key for c in every for r in [*then.rows, *now.rows] if _number(r.get(c.key)) is not None}
    figures = list(figures) if figures is not None else [c.key for c in every if c.key in numeric]
    words = [c.key for c in every if c.key not in numeric and c.hxl.startswith(VALUE_TAGS)]
    keys = [c.key for c in every if c.key not in numeric and c.key not in figures and c.key not in words]

    def key(row: dict[str, Any]) -> tuple[str, ...]:
        return tuple(str(row.get(k)) for k in keys)

    before = {key(r): r for r in then.rows}
    after = {key(r): r for r in now.rows}
    order = list(after) + [k for k in before if k not in after]
    rows: list[dict[str, Any]] = []
    for k in order:
        base = after.get(k) or before[k]
        row = {name: base.get(name) for name in keys}
        for w in words:
            row[f"{w}_then"] = before[k].get(w) if k in before else None
            row[f"{w}_now"] = after[k].get(w) if k in after else None
        for f in figures:
            a = _number(before[k].get(f)) if k in before else None
            b = _number(after[k].get(f)) if k in after else None
            row[f"{f}_then"], row[f"{f}_now"] = a, b
            row[f"{f}_change"] = None if a is None or b is None else round(b - a, 6)
        rows.append(row)
    by_key = {c.key: c for c in [*then.columns, *now.columns]}
    columns = [by_key[k] for k in keys]
    for w in words:
        c = by_key[w]
        columns += [Column(f"{w}_then", f"{c.hxl}+then", f"{c.title} then"),
                    Column(f"{w}_now", f"{c.hxl}+now", f"{c.title} now")]
    for f in figures:
        c = by_key.get(f, Column(f, f"#indicator+{f}"))
        columns += [
            Column(f"{f}_then", f"{c.hxl}+then", f"{c.title} then"),
            Column(f"{f}_now", f"{c.hxl}+now", f"{c.title} now"),
            Column(f"{f}_change", f"{c.hxl}+change", f"{c.title} change"),
        ]
    only = sum(1 for k in order if (k in before) != (k in after))
    notes = [f"'then' is {held.note(at)}; 'now' is the store as it is", *[n for n in now.notes if n not in then.notes]]
    if only:
        notes.append(f"{only} row(s) exist on one side only: the other side is missing, not zero")
    sources = then.sources + [s for s in now.sources if s not in then.sources]
    return ResultTable(
        title=f"{now.title}: as of {held.label(at)} and now",
        columns=columns,
        rows=rows,
        sources=sources,
        notes=notes,
        query={**now.query, "as_of": held.label(at), "compare_now": True},
    )
