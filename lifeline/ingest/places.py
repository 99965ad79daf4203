"""The places a store already knows, made available to the importers as they read a new file.

A crisis is set up from its own files: a locations file names its entry points (type ``crossing``,
``port``, ``air-route``... or an explicit ``#loc+route``) with their names and aliases, and every
later deliveries or status file maps crossing names to those codes without any settings file. The
crossings in ``normalisation.toml`` stay (they carry the press spellings of Gaza's crossings); a stored
entry point adds its names to a code the settings know and brings any code they do not. Admin areas
lend their aliases the same way: a file keyed by p-codes a place is known by (an alias recorded by
``lifeline boundaries import`` when it matched the p-code by name) reads onto that place's code.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
from sqlalchemy import Connection, select

from lifeline.assumptions import AssumptionSet
from lifeline.store import schema


def stored_entry_points(conn: Connection) -> dict[str, dict[str, Any]]:
    """Every stored location with a route (an entry point), as the importers' crossing table reads it."""
    t = schema.locations
    rows = conn.execute(
        select(t.c.code, t.c.name_en, t.c.name_ar, t.c.aliases, t.c.route, t.c.lat, t.c.lon, t.c.parent_code,
               t.c.serves).where(t.c.route.is_not(None))
    ).mappings()
    return {
        r["code"]: {
            "name_en": r["name_en"], "name_ar": r["name_ar"], "route": r["route"],
            "aliases": [a for a in [r["name_en"], r["name_ar"], *(r["aliases"] or [])] if a],
            "lat": r["lat"], "lon": r["lon"], "parent": r["parent_code"], "serves": list(r["serves"] or []),
            "source": "imported locations file",
        }
        for r in rows
    }


def area_aliases(conn: Connection) -> dict[str, str]:
    """Each stored admin area's aliases (upper case) -> its code; an alias that is some place's code, or
    that two areas share, is left out (a code is never read as another place, and no alias guesses)."""
    t = schema.locations
    rows = conn.execute(select(t.c.code, t.c.aliases, t.c.route)).all()
    codes = {str(code).upper() for code, _a, _r in rows}
    seen: dict[str, set[str]] = {}
    for code, aliases, route in rows:
        if route is None:
            for alias in aliases or []:
                if (key := str(alias).strip().upper()) and key not in codes:
                    seen.setdefault(key, set()).add(code)
    return {key: next(iter(found)) for key, found in seen.items() if len(found) == 1}


def admin_codes(conn: Connection) -> list[str]:
    """The codes of the store's admin areas (locations without a route): the p-codes a file may name."""
    t = schema.locations
    return sorted(str(c) for (c,) in conn.execute(select(t.c.code).where(t.c.route.is_(None))).all())


def destination(cells: list[pl.Expr], rules: AssumptionSet) -> tuple[pl.Expr, pl.Expr]:
    """A delivery's destination area from its admin code columns, finest level first (``#adm3+code``,
    ``#adm2+code``, ``#adm1+code``): the first that names a stored area, else the first written, so a file
    keyed at whatever level the context's areas are at reads onto them. Also whether the destination was
    written but names no stored area (only when the store knows areas): such rows are flagged, never dropped."""
    codes = sorted({str(c).upper() for c in rules.tables.get("admin_codes") or []})
    mapped = [place_code(c, rules) for c in cells]
    written = pl.coalesce(*mapped) if mapped else pl.lit(None, dtype=pl.String)
    if not codes:
        return written, pl.lit(False)
    known = [pl.when(m.str.to_uppercase().is_in(codes)).then(m) for m in mapped]
    chosen = pl.coalesce(*known, written)
    return chosen, written.is_not_null() & ~chosen.str.to_uppercase().is_in(codes)


def place_code(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    """A place code as a file writes it (``#adm1+code``, ``#loc+code``): an admin area's alias (such as its
    OCHA p-code) becomes the area's code; anything else is kept as written."""
    aliases = rules.tables.get("area_aliases") or {}
    if not aliases:
        return expr
    mapped = expr.str.strip_chars().str.to_uppercase().replace_strict(aliases, default=None, return_dtype=pl.String)
    return pl.coalesce(mapped, expr)


def with_stored_places(rules: AssumptionSet, conn: Connection) -> AssumptionSet:
    """``rules`` whose crossing table also holds the store's entry points (settings first, names merged),
    whose ``area_aliases`` table maps admin areas' aliases to their codes, and whose ``admin_codes`` lists
    the stored admin areas (an observation's p-code that is none of them is rejected, ``pcodes``; a
    delivery's destination that is none of them is flagged, ``destination``)."""
    aliases = area_aliases(conn)
    if aliases:
        rules = replace(rules, tables={**rules.tables, "area_aliases": aliases})
    areas = admin_codes(conn)
    if areas:
        rules = replace(rules, tables={**rules.tables, "admin_codes": areas})
    stored = stored_entry_points(conn)
    if not stored:
        return rules
    crossings = {code: dict(spec) for code, spec in rules.tables.get("crossings", {}).items()}
    for code, spec in stored.items():
        known = crossings.get(code)
        if known is None:
            crossings[code] = spec
        else:
            known["aliases"] = list(dict.fromkeys([*known.get("aliases", []), *spec["aliases"]]))
    return replace(rules, tables={**rules.tables, "crossings": crossings})
