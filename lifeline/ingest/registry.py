"""Importers registered by kind, in detection order (most specific first; HXL last, as the general case)."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from lifeline.errors import BadFile, UserError

# kind -> module path. A new importer is one module of the same shape and one line here.
IMPORTERS: dict[str, str] = {
    "unrwa": "lifeline.ingest.unrwa",
    "cogat": "lifeline.ingest.cogat",
    "hxl": "lifeline.ingest.hxl",
}


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
    raise BadFile(
        f"not recognised as any known kind ({', '.join(IMPORTERS)}); for HXL, add a hashtag row under the header",
        file=str(path),
        row=1,
    )
