"""Which places each imported dataset's rows name, and which source it came from: what the Data page needs
to show one context's datasets (a store may hold several areas of operation)."""

from __future__ import annotations

from sqlalchemy import Connection, select, union

from lifeline.store import schema


def dataset_places(conn: Connection) -> dict[int, set[str]]:
    """Every place code the rows of each dataset name: deliveries' crossing and area and observations' location
    (under the dataset that first wrote the row and the one that holds it now), the places a locations
    file defined (through its source), and the context of a boundaries file whose p-codes became aliases."""
    d, o, loc, ds = schema.deliveries, schema.observations, schema.locations, schema.datasets
    parts = [select(getattr(t.c, ref).label("dataset"), getattr(t.c, col).label("code")).distinct()
             for t, cols in ((d, ("crossing", "area")), (o, ("location",)))
             for col in cols for ref in ("dataset_id", "first_dataset_id")]
    parts.append(select(ds.c.id.label("dataset"), loc.c.code.label("code"))
                 .select_from(ds.join(loc, loc.c.source_id == ds.c.source_id)))
    # a boundaries file's p-codes recorded as aliases (kind 'boundaries'): the places its revisions changed
    rv = schema.revisions
    parts.append(select(rv.c.dataset_id.label("dataset"), rv.c.new_values["code"].as_string().label("code"))
                 .select_from(rv.join(ds, rv.c.dataset_id == ds.c.id))
                 .where(rv.c.table_name == "locations", ds.c.kind == "boundaries"))
    out: dict[int, set[str]] = {}
    for dataset, code in conn.execute(union(*parts)):
        if dataset is not None and code is not None:
            out.setdefault(int(dataset), set()).add(str(code))
    return out


def dataset_sources(conn: Connection) -> dict[int, int]:
    """The source record of each dataset (the citation it is shown with)."""
    ds = schema.datasets
    return {int(i): int(s) for i, s in conn.execute(select(ds.c.id, ds.c.source_id))}


def delivery_datasets(conn: Connection) -> set[int]:
    """The datasets that wrote delivery rows (their revisions move trucks, tonnes and kcal)."""
    d = schema.deliveries
    found = conn.execute(union(select(d.c.dataset_id.label("x")).distinct(),
                               select(d.c.first_dataset_id.label("x")).distinct()))
    return {int(x) for (x,) in found}
