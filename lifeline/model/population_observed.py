"""Population series from imported observations (``#population`` by ``#adm1+code`` / ``#adm2+code``).

A context set up from its own files brings its population as observations; these drive the population
model exactly as an assumption set's ``[population.AREA]`` tables do: linear between dated estimates,
held flat before the first and after the last (``population.interpolate``). Areas are taken at the finest
level that has estimates, so a district file gives coverage by district; an area whose children all have
estimates is left to them (its own figure would count the same people twice).
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Connection, func, select

from lifeline.model.contexts import Context
from lifeline.model.population import Series
from lifeline.store import as_of, schema


def observed_series(conn: Connection, ctx: Context) -> list[Series]:
    """One series per area of ``ctx`` at the finest level with estimates; on a day with several
    estimates for one area the most recently imported one is used."""
    o, ds, s = as_of.observations(conn, None), schema.datasets, schema.sources  # as of the moment in force
    rows = conn.execute(
        select(o.c.location, o.c.date, o.c.value, o.c.dataset_id,
               func.coalesce(o.c.cited_publisher, s.c.publisher).label("publisher"))
        .select_from(o.join(ds, o.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(o.c.indicator == "population", o.c.withdrawn_dataset_id.is_(None), o.c.value.is_not(None),
               o.c.location.in_(ctx.areas), o.c.disaggregation.is_(None))
        .order_by(o.c.location, o.c.date, o.c.dataset_id)
    ).all()
    by_area: dict[str, dict[date, tuple[float, str]]] = {}
    for location, day, value, _dataset, publisher in rows:
        by_area.setdefault(location, {})[day] = (float(value), str(publisher))  # later imports win
    finest = [a for a in by_area if not _covered_by_children(a, ctx, set(by_area))]
    out = []
    for area in [a for a in ctx.areas if a in finest]:
        points = sorted(by_area[area].items())
        publishers = sorted({p for _, (_, p) in points})
        out.append(Series(
            area=area,
            dates=np.array([np.datetime64(d, "D") for d, _ in points]),
            values=np.array([v for _, (v, _) in points], dtype=np.float64),
            source=f"{'; '.join(publishers)} (imported population estimates, {len(points)} dated)",
        ))
    return out


def _covered_by_children(area: str, ctx: Context, with_data: set[str]) -> bool:
    children = ctx.children(area)
    return bool(children) and all(c in with_data or _covered_by_children(c, ctx, with_data) for c in children)
