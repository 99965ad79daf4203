"""``--as-of`` and ``--compare-now``, shared by the query commands: the answer as Lifeline held the
store at a moment, or that answer beside today's (:mod:`lifeline.model.as_of`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from lifeline.formats import ResultTable
from lifeline.model import as_of as model
from lifeline.store.as_of import parse

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD[THH:MM:SS]",
                 help="Answer with the versions held at YYYY-MM-DD (end of that day) or "
                      "YYYY-MM-DDTHH:MM:SS, UTC."),
]
CompareNow = Annotated[
    bool,
    typer.Option("--compare-now", help="With --as-of: each figure then, now and the change, side by side."),
]


def moment(as_of: str | None) -> datetime | None:
    """--as-of parsed (a bad value is one line and exit status 2)."""
    return parse(as_of, "--as-of") if as_of is not None else None


def ask(as_of: str | None, compare_now: bool, question: model.Question) -> ResultTable:
    return model.ask(moment(as_of), compare_now, question, "--as-of")
