"""The ``lifeline`` command: global options, error handling, and the command groups.

Each command lives in its own module and registers itself on :data:`app` with the ordinary Typer
decorators. Importing every module (and through them polars, SQLAlchemy, the models...) cost about
2 s before anything was printed, so :data:`COMMANDS` names the module of each command together with
its one-line help: ``lifeline --help`` lists them from this table alone, and a command's module is
imported only when that command is run or asked for its own help. A new command joins by adding
one line to :data:`COMMANDS` (``tests/cli/test_commands.py`` fails when the table and the modules
disagree). A :class:`~lifeline.errors.UserError` becomes one line on stderr and exit status 2.
"""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Annotated, Any

import typer
import typer.main
from typer import _click as click  # typer 0.29 (pinned) vendors Click; its classes are the ones it builds
from typer.core import TyperCommand, TyperGroup

from lifeline.errors import UserError

# Every top-level command or group: its name -> (the module that registers it on `app`, the one-line
# help `lifeline --help` shows). The help must be the first line of the command's docstring or of the
# group's `help=`; the order here is the order of `lifeline --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("lifeline.cli.imports",
               "Import line lists and HXL files; each file is stored in one transaction or not at all."),
    "datasets": ("lifeline.cli.datasets", "Every import: file, kind, when, and the row accounting."),
    "deliveries": ("lifeline.cli.deliveries",
                   "What entered, per period and crossing / category / commodity / source / route."),
    "access": ("lifeline.cli.access",
               "Which crossings were open, on whose word, and what came through according to each source."),
    "coverage": ("lifeline.cli.coverage",
                 "Food energy available per person per day, its interval, and coverage of the requirement."),
    "series": ("lifeline.cli.series",
               "Population, displacement, facilities, needs...: each source's figure for each date, "
               "with its citation."),
    "sources": ("lifeline.cli.sources", "Compare what each source recorded; register and fetch live sources."),
    "watch": ("lifeline.cli.watch",
              "Fetch due sources on schedule, import new versions, alert on revisions, deliver the outbox."),
    "study": ("lifeline.cli.study", "Reproduce the two published Gaza food-availability studies and compare them."),
    "claims": ("lifeline.cli.claims", "Check the figures a statement asserts against the data."),
    "alerts": ("lifeline.cli.alerts", "Early-warning alerts: check the rules, list, acknowledge, deliver."),
    "scenario": ("lifeline.cli.scenario",
                 "Project kcal per person per day with intervals, and when stocks run out, under a what-if."),
    "report": ("lifeline.cli.report",
               "Write the situation report: key figures, coverage, access, sources, alerts, claims, "
               "appendix; all cited."),
    "revisions": ("lifeline.cli.revisions",
                  "Every stored value a newer file replaced or withdrew: nothing is overwritten silently."),
    "flags": ("lifeline.cli.flags",
              "Rows kept with flags (never silently fixed or dropped), to check against the published file."),
    "commodities": ("lifeline.cli.commodities", "The commodity catalogue and what it does not yet cover."),
    "assumptions": ("lifeline.cli.assumptions", "Assumption sets: the named, sourced constants behind every figure."),
    "context": ("lifeline.cli.context",
                "Contexts (areas of operation): list them, show one, set one up from a folder of files."),
    "boundaries": ("lifeline.cli.boundaries",
                   "Admin boundaries (GeoJSON keyed by p-code, e.g. OCHA COD-AB) for a context's map: import, list."),
    "reference": ("lifeline.cli.reference",
                  "The bundled reference data set (locations, population, crossing status, needs...)."),
    "serve": ("lifeline.cli.serve", "Serve the dashboard and the API (/api/v1, OpenAPI at /openapi.json)."),
    "demo": ("lifeline.cli.serve",
             "A fresh embedded database with the reference set and the line lists of --data, then serve it."),
    "users": ("lifeline.cli.users", "Accounts (viewer, editor, admin) and API tokens."),
}


class _Pending(TyperCommand):
    """Stands for a command whose module is not imported yet: enough for the list in ``--help``."""

    def __init__(self, name: str, module: str, help: str) -> None:
        super().__init__(name, help=help, short_help=help)
        self.module = module


class LazyGroup(TyperGroup):
    """The root group: lists every command of :data:`COMMANDS`, imports a command's module on first use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False
        for name, (module, help_line) in COMMANDS.items():
            self.commands.setdefault(name, _Pending(name, module, help_line))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = self.commands.get(cmd_name)
        if isinstance(cmd, _Pending) and not self._listing:
            cmd = self.commands[cmd_name] = load(cmd_name)
        return cmd

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True  # the list of commands needs names and help lines only
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def load(name: str) -> click.Command:
    """Import the module of command ``name`` and build its Click command from what it registered."""
    import_module(COMMANDS[name][0])
    built = typer.main.get_group(app).commands.get(name)
    if built is None or isinstance(built, _Pending):
        raise LookupError(f"{COMMANDS[name][0]} does not register a command named {name!r} on lifeline.cli.app.app")
    return built


app = typer.Typer(
    name="lifeline",
    help="Humanitarian access and supply-gap monitor: what got in, where, against what need, by source.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyGroup,
    # Plain help and usage errors, wrapped to the terminal: Rich's boxes cost 0.15 s of every
    # `--help` (importing rich.markdown, rich.traceback...). Command groups set the same.
    rich_markup_mode=None,
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


def load_all() -> TyperGroup:
    """The whole command tree with every module imported (for the docs generator and the tests)."""
    for module in dict.fromkeys(module for module, _ in COMMANDS.values()):
        import_module(module)
    return typer.main.get_group(app)


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
