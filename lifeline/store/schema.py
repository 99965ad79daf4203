"""Tables of the store (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

Provenance is structural: every delivery and observation points to the dataset that last wrote it
(and so to its source); revisions keep every earlier value, so nothing recorded is lost.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("publisher", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("licence", Text),
    Column("published", Date),
    Column("retrieved", Date),
    Column("sha256", String(64)),
    Column("note", Text),
)

datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    # The family a file belongs to across versions ("unrwa-commodities-received"): rows are
    # matched by their own id within a series, which is how revisions are detected.
    Column("series", Text, nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("rows_imported", Integer, nullable=False),
    Column("rows_unchanged", Integer, nullable=False),
    Column("rows_changed", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("rows_flagged", Integer, nullable=False, default=0),
    Column("rows_withdrawn", Integer, nullable=False, default=0),
    Column("note", Text),
    Column("imported_by", Text),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset_id", Integer, ForeignKey("datasets.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),
    Column("column", Text),
    Column("reason", Text, nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("type", String(32), nullable=False),
    Column("name_en", Text, nullable=False),
    Column("name_ar", Text),
    Column("aliases", JSON, nullable=False, default=list),
    Column("parent_code", String(64), ForeignKey("locations.code")),
    Column("lat", Float),
    Column("lon", Float),
    Column("area_km2", Float),
    Column("source_id", Integer, ForeignKey("sources.id")),
    # Entry points (crossings, ports, air routes): land / sea / air, and the area codes they serve, so a
    # context's crossings come from its own locations file rather than from Lifeline's settings.
    Column("route", String(16)),
    Column("serves", JSON),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("series", Text, nullable=False),
    Column("source_row_id", Text, nullable=False),
    Column("dataset_id", Integer, ForeignKey("datasets.id"), nullable=False, index=True),
    Column("first_dataset_id", Integer, ForeignKey("datasets.id"), nullable=False),
    Column("withdrawn_dataset_id", Integer, ForeignKey("datasets.id")),
    Column("row_number", Integer, nullable=False),
    Column("date", Date, nullable=False),
    Column("crossing", String(64)),
    Column("route", String(32)),
    Column("category", String(32)),
    Column("commodity", String(64)),
    Column("description", Text),
    Column("quantity", Float),
    Column("unit", Text),
    Column("consignments", Integer, nullable=False, default=1),  # >1 only for rows that are already totals
    Column("kg", Float),
    Column("trucks", Float),
    Column("donor", Text),
    Column("recipient", Text),
    Column("area", String(64)),
    Column("flags", Text),
    Column("extra", Text),  # JSON text: the source columns as given that Lifeline does not model
    UniqueConstraint("series", "source_row_id", name="uq_deliveries_row"),
    Index("ix_deliveries_date", "date"),
)

observations = Table(
    "observations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("series", Text, nullable=False),
    Column("source_row_id", Text, nullable=False),
    Column("dataset_id", Integer, ForeignKey("datasets.id"), nullable=False, index=True),
    Column("first_dataset_id", Integer, ForeignKey("datasets.id"), nullable=False),
    Column("withdrawn_dataset_id", Integer, ForeignKey("datasets.id")),
    Column("row_number", Integer, nullable=False),
    Column("indicator", String(64), nullable=False),
    Column("location", String(64)),
    Column("date", Date, nullable=False),
    Column("period_end", Date),
    Column("value", Float),
    Column("text_value", Text),
    Column("unit", Text),
    # The figure's own citation where a file carries one per row (#meta+source / #meta+url);
    # otherwise the dataset's source stands for it.
    Column("cited_publisher", Text),
    Column("cited_title", Text),
    Column("cited_url", Text),
    Column("cited_date", Date),
    Column("disaggregation", Text),  # JSON text, e.g. {"sex": "f"}
    Column("note", Text),
    UniqueConstraint("series", "source_row_id", name="uq_observations_row"),
    Index("ix_observations_indicator", "indicator", "location", "date"),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("table_name", String(32), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("dataset_id", Integer, ForeignKey("datasets.id"), nullable=False),
    Column("previous_dataset_id", Integer, ForeignKey("datasets.id"), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False),  # changed | withdrawn | restored
    Column("old_values", JSON, nullable=False),
    Column("new_values", JSON),
    Index("ix_revisions_record", "table_name", "record_id"),
)
