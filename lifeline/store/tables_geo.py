"""Tables of imported admin boundaries: one set per context and admin level, one simplified shape per area.

A set records where its shapes came from (file, checksum, source, when, by whom) and how much the
shapes were simplified, so the map can cite them and say so; the shapes are GeoJSON geometries in
WGS 84 longitude/latitude, keyed by the place (``locations.code``) their p-code matched.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from lifeline.store.schema import metadata

boundary_sets = Table(
    "boundary_sets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("context", String(64), nullable=False),
    Column("level", Integer, nullable=False),  # depth below the context's root: 1 = its first admin level
    Column("code_property", Text, nullable=False),  # the feature property that held the p-code
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", Text),
    Column("features_read", Integer, nullable=False),
    Column("vertices_read", Integer, nullable=False),
    Column("vertices_kept", Integer, nullable=False),
    Column("tolerance_deg", Float, nullable=False),  # Douglas-Peucker tolerance applied, in degrees
    Column("unmatched", JSON, nullable=False),  # p-codes of the file that are no place of the context
    UniqueConstraint("context", "level", name="uq_boundary_sets_level"),
)

boundaries = Table(
    "boundaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("set_id", Integer, ForeignKey("boundary_sets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", String(64), nullable=False),  # the place the p-code matched (locations.code)
    Column("pcode", Text, nullable=False),  # as written in the file
    Column("geometry", JSON, nullable=False),  # simplified Polygon / MultiPolygon, lon/lat
    UniqueConstraint("set_id", "code", name="uq_boundaries_code"),
)
