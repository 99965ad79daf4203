"""Derived table of the ingest area: delivery totals per day and key, kept in step with ``deliveries``.

``delivery_summary`` holds, for every (dataset, day, crossing, route, category, commodity, area),
the sums over current (not withdrawn) delivery rows. The import service rewrites a series'
summary in the same transaction that changes its rows, so it is never out of step; aggregate
questions over millions of rows read thousands of summary rows instead. It is derived data:
``deliveries`` stays the record, and the migration that creates this table fills it from there.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text

from lifeline.store.schema import metadata

SUMMARY_KEYS = ("date", "crossing", "route", "category", "commodity", "area")

delivery_summary = Table(
    "delivery_summary",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset_id", Integer, ForeignKey("datasets.id"), nullable=False),
    Column("series", Text, nullable=False),
    Column("date", Date, nullable=False),
    Column("crossing", String(64)),
    Column("route", String(32)),
    Column("category", String(32)),
    Column("commodity", String(64)),
    Column("area", String(64)),
    Column("consignments", Integer, nullable=False),
    Column("trucks", Float),  # NULL when no row of the group has trucks, as SQL SUM gives
    Column("kg", Float),  # NULL when no row of the group has a weight
    Column("rows_with_weight", Integer, nullable=False),
    Column("rows", Integer, nullable=False),
    Index("ix_delivery_summary_series", "series"),
)
