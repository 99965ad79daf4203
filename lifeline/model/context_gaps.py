"""What a context still lacks for Lifeline's answers (``lifeline context show`` and ``init``)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from lifeline.model.contexts import Context
from lifeline.model.population_observed import observed_series
from lifeline.store import schema


def gaps(conn: Connection, ctx: Context) -> list[str]:
    """What a context still lacks for Lifeline's answers, in words a user can act on."""
    out: list[str] = []
    with_population = {s.area for s in observed_series(conn, ctx)}
    if not with_population:
        out.append("no population: import #population estimates by #adm1+code (or #adm2+code) for its areas")
    else:
        leaves = [a for a in ctx.areas if not ctx.children(a)]
        missing = [a for a in leaves if a not in with_population and not _under(a, with_population, ctx)]
        if missing:
            out.append(f"areas without a population estimate: {', '.join(missing)}")
    for code in ctx.entry_points:
        place = ctx.places[code]
        if not place.serves:
            out.append(f"entry point {code} serves no area (#loc+code+serves): rows that name no destination "
                       "through it are counted in the whole context")
    if not ctx.entry_points:
        out.append("no entry points: add crossings, ports or air routes (#loc+type crossing / port / air-route)")
    d = schema.deliveries
    members = list(ctx.members)
    unmapped = conn.execute(
        select(d.c.description).where(
            d.c.withdrawn_dataset_id.is_(None), d.c.flags.like("%unmapped-commodity%"),
            d.c.crossing.in_(members) | d.c.area.in_(members),
        ).distinct().limit(6)
    ).scalars().all()
    if unmapped:
        shown = ", ".join(repr(u) for u in unmapped[:5])
        out.append(f"items the commodity catalogue does not know (see `lifeline commodities unmapped`): {shown}")
    return out


def _under(area: str, covered: set[str], ctx: Context) -> bool:
    """Whether an ancestor of ``area`` has a population estimate (the area is counted within it)."""
    current = ctx.places[area].parent
    while current is not None and current in ctx.places:
        if current in covered:
            return True
        current = ctx.places[current].parent
    return False
