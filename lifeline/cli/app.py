"""The ``lifeline`` command: global options, error handling, and the command groups.

Each group lives in its own module and registers itself on :data:`app`; this module only wires
them together. A :class:`~lifeline.errors.UserError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Annotated

import typer

from lifeline.errors import UserError

app = typer.Typer(
    name="lifeline",
    help="Humanitarian access and supply-gap monitor: what got in, where, against what need, by source.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class State:
    """Options given before the command, shared by every command."""

    db: str | None = None


state = State()


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (default: LIFELINE_DB, else SQLite in the user data directory)."),
    ] = None,
) -> None:
    state.db = db


# Command modules, each adding its commands to `app` on import.
COMMAND_MODULES = [
    "lifeline.cli.imports",
    "lifeline.cli.deliveries",
    "lifeline.cli.commodities",
    "lifeline.cli.alerts",
    "lifeline.cli.scenario",
    "lifeline.cli.report",
    "lifeline.cli.assumptions",
    "lifeline.cli.coverage",
    "lifeline.cli.study",
    "lifeline.cli.reference",
    "lifeline.cli.access",
    "lifeline.cli.sources",
    "lifeline.cli.series",
    "lifeline.cli.serve",
    "lifeline.cli.users",
    "lifeline.cli.claims",
    "lifeline.cli.revisions",
    "lifeline.cli.flags",
    "lifeline.cli.watch",
]

for _name in COMMAND_MODULES:
    import_module(_name)


def run() -> None:
    """Console-script entry point: user errors are one line and exit 2, never a traceback.

    Click's standalone mode reports usage errors itself (one message, exit 2); a UserError raised
    by the core passes through it and is printed here.
    """
    try:
        app()
    except UserError as exc:
        print(f"lifeline: error: {exc}", file=sys.stderr)
        sys.exit(2)
