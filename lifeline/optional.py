"""Modules other areas of Lifeline provide, used as soon as they exist: while one is not written yet, its
page shows a plain "not available yet" panel and its endpoint answers 503; any other import error is a bug
and surfaces. Shared by the faces (pages, API, ``lifeline serve --demo``), so it is none of them."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType
from typing import Any


class NotAvailable(Exception):
    """A model module this table needs is not part of this build yet."""

    def __init__(self, module: str) -> None:
        super().__init__(f"{module} is not available yet")
        self.module = module


def optional(module: str) -> ModuleType | None:
    try:
        return import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            return None
        raise


def need(module: str) -> ModuleType:
    found = optional(module)
    if found is None:
        raise NotAvailable(module)
    return found


def need_attr(module: str, attr: str) -> Callable[..., Any]:
    """A function of another area's module, or NotAvailable while it is not written yet."""
    found = getattr(need(module), attr, None)
    if found is None:
        raise NotAvailable(f"{module}.{attr}")
    return found  # type: ignore[no-any-return]


# The modules other areas of Lifeline provide; the pages and the API use each one as soon as it exists.
MODULES = {
    "reference": "lifeline.reference.load",
    "access": "lifeline.model.access",
    "sources_compare": "lifeline.model.sources_compare",
    "series": "lifeline.model.series",
    "coverage": "lifeline.model.coverage",
    "studies": "lifeline.model.studies.compare",
    "claims": "lifeline.claims.check",
    "alerts": "lifeline.alerts.store",
}


def availability() -> dict[str, bool]:
    """Which of :data:`MODULES` this build provides (the API's health answer)."""
    return {key: optional(module) is not None for key, module in MODULES.items()}
