"""The places a store already knows, made available to the importers as they read a new file.

A crisis is set up from its own files: a locations file names its entry points (type ``crossing``,
``port``, ``air-route``... or an explicit ``#loc+route``) with their names and aliases, and every
later deliveries or status file maps crossing names to those codes without any settings file. The
crossings in ``normalisation.toml`` stay (they carry the press spellings of Gaza's crossings); a stored
entry point adds its names to a code the settings know and brings any code they do not.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

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


def with_stored_places(rules: AssumptionSet, conn: Connection) -> AssumptionSet:
    """``rules`` whose crossing table also holds the store's entry points (settings first, names merged)."""
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
