"""Importers registered by kind, in detection order (most specific first; HXL last, as the general case)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from lifeline.errors import BadFile, UserError
from lifeline.ingest.tables import is_spreadsheet, open_workbook

# kind -> module path. A new importer is one module of the same shape and one line here.
IMPORTERS: dict[str, str] = {
    "unrwa": "lifeline.ingest.unrwa",
    "cogat": "lifeline.ingest.cogat",
    "insecurity-insight": "lifeline.ingest.insecurity_insight",
    "gazamaps": "lifeline.ingest.gazamaps",
    "hxl": "lifeline.ingest.hxl",
}


# Files that are not rows to store but are read by another command: recognised by their sheets so
# `lifeline import` says where they go instead of "not recognised".
READ_ELSEWHERE: list[tuple[frozenset[str], str]] = [
    (
        frozenset({"general", "intake_req", "pop_north", "kcal_equi", "parcels"}),
        "this is Study A's parameter workbook (LSHTM gaza_food_data.xlsx): parameters, not rows to store; "
        "use it with `lifeline study checchi-2024 --workbook PATH`",
    ),
]


def kinds() -> list[str]:
    return list(IMPORTERS)


def importer(kind: str) -> ModuleType:
    if kind not in IMPORTERS:
        raise UserError(f"unknown kind {kind!r}; expected one of: auto, {', '.join(IMPORTERS)}")
    return import_module(IMPORTERS[kind])


def detect(path: Path) -> ModuleType:
    """The first importer that recognises the file, or a clear error naming the kinds tried."""
    if not path.exists():
        raise BadFile("no such file", file=str(path))
    if path.is_dir():
        raise BadFile("is a folder; give the files to import", file=str(path))
    if path.stat().st_size == 0:
        raise BadFile("the file is empty; expected a header row and data rows", file=str(path))
    for kind in IMPORTERS:
        module = importer(kind)
        if module.detect(path):
            return module
    elsewhere = read_elsewhere(path)
    if elsewhere is not None:
        raise BadFile(elsewhere, file=str(path))
    raise BadFile(
        f"not recognised as any known kind ({', '.join(IMPORTERS)}); for HXL, add a hashtag row under the header",
        file=str(path),
        row=1,
    )


def read_elsewhere(path: Path) -> str | None:
    """Why ``path`` is not imported and which command reads it, when it is a file Lifeline knows."""
    if not is_spreadsheet(path):
        return None
    sheets = set(open_workbook(path).sheet_names)
    return next((why for needed, why in READ_ELSEWHERE if needed <= sheets), None)
