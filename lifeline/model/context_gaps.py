"""What a context still lacks for Lifeline's answers (``lifeline context show`` and ``init``)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from lifeline.model import contexts
from lifeline.model.contexts import Context
from lifeline.model.population_observed import observed_series
from lifeline.store import schema
from lifeline.store.tables_ingest import delivery_summary


def gaps(conn: Connection, ctx: Context, flagged: bool = True) -> list[str]:
    """What a context still lacks for Lifeline's answers, in words a user can act on: "nothing missing" is
    said only when this is empty, so areas no delivery reaches and rows kept with flags are named too
    (``flagged=False`` when the caller lists each file's flagged rows itself, as ``context init``)."""
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
        out.append("items the commodity catalogue does not know (see "
                   f"`lifeline commodities unmapped --context {ctx.code}`): {shown}")
    unreached = _unreached(conn, ctx)
    if unreached:
        out.append(f"areas no recorded delivery reaches (no row names them, no entry point with deliveries serves "
                   f"them; their coverage is n/a, not zero): {', '.join(unreached)}")
    if flagged:
        sc = contexts.scope(conn, ctx.code).deliveries
        cond = [d.c.withdrawn_dataset_id.is_(None), d.c.flags.is_not(None), d.c.flags != ""]
        count = conn.execute(select(func.count()).select_from(d).where(
            *cond, *([sc.condition()] if sc is not None else []))).scalar_one()
        if count:
            out.append(f"{count} delivery rows kept with flags (see `lifeline flags --context {ctx.code}`)")
    return out


def _unreached(conn: Connection, ctx: Context) -> list[str]:
    """The leaf areas no current delivery row reaches: none names them (or an area above them) as its
    destination and no entry point they are served by has a row (an entry point serving no area reaches
    the whole context, so then none is named)."""
    s = delivery_summary  # the current rows' per-day sums: a pass over them, not over every row
    members = list(ctx.members)
    rows = conn.execute(
        select(s.c.crossing, s.c.area).where(s.c.crossing.in_(members) | s.c.area.in_(members)).distinct()
    ).all()
    reached = {area for _, area in rows if area is not None}
    for crossing in {c for c, _ in rows if c is not None and c in ctx.places}:
        # an entry point that serves no area is counted in the whole context (docs/new-context.md)
        reached.update(ctx.places[crossing].serves or [ctx.code])
    leaves = [a for a in ctx.areas if not ctx.children(a)]
    return [a for a in leaves if a not in reached and not _under(a, reached, ctx)]


def _under(area: str, covered: set[str], ctx: Context) -> bool:
    """Whether an ancestor of ``area`` has a population estimate (the area is counted within it)."""
    current = ctx.places[area].parent
    while current is not None and current in ctx.places:
        if current in covered:
            return True
        current = ctx.places[current].parent
    return False
