"""Constructed store contents for rule tests: a source, a dataset and rows, written through the real tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert

from lifeline.store import schema


def dataset(conn: Connection, series: str, publisher: str, path: str = "file.csv") -> int:
    sid = conn.execute(
        insert(schema.sources).values(publisher=publisher, title=f"{publisher} line list", url="https://example.org")
    ).inserted_primary_key[0]
    return int(
        conn.execute(
            insert(schema.datasets).values(
                kind="test",
                series=series,
                source_id=sid,
                path=path,
                sha256="0" * 64,
                imported_at=datetime.now(UTC),
                rows_read=0,
                rows_imported=0,
                rows_unchanged=0,
                rows_changed=0,
                rows_rejected=0,
                rows_flagged=0,
                rows_withdrawn=0,
            )
        ).inserted_primary_key[0]
    )


def deliveries(
    conn: Connection,
    dataset_id: int,
    series: str,
    rows: list[tuple[date, str | None, float]] | list[tuple[date, str | None, float, float]],
    commodity: str | None = None,
    consignments: int = 1,
) -> list[int]:
    """Insert (date, crossing, trucks[, kg]) food rows, 20 t per truck unless kg is given; returns their ids."""
    ids = []
    for i, row in enumerate(rows):
        day, crossing, trucks = row[0], row[1], row[2]
        kg = row[3] if len(row) > 3 else trucks * 20000.0
        ids.append(
            int(
                conn.execute(
                    insert(schema.deliveries).values(
                        series=series,
                        source_row_id=f"r{i}",
                        dataset_id=dataset_id,
                        first_dataset_id=dataset_id,
                        row_number=i + 2,
                        date=day,
                        crossing=crossing,
                        category="food",
                        commodity=commodity,
                        consignments=consignments,
                        trucks=trucks,
                        kg=kg,
                    )
                ).inserted_primary_key[0]
            )
        )
    return ids


def every_day(
    start: date, days: int, crossing: str, trucks: float, skip: set[date] | None = None
) -> list[tuple[date, str | None, float]]:
    skip = skip or set()
    return [(start + timedelta(days=i), crossing, trucks) for i in range(days) if start + timedelta(days=i) not in skip]


def observation(
    conn: Connection,
    dataset_id: int,
    indicator: str,
    location: str,
    day: date,
    value: float | None = None,
    text: str | None = None,
    publisher: str = "OCHA",
    **extra: Any,
) -> None:
    conn.execute(
        insert(schema.observations).values(
            series="ref",
            source_row_id=f"{indicator}-{location}-{day}",
            dataset_id=dataset_id,
            first_dataset_id=dataset_id,
            row_number=2,
            indicator=indicator,
            location=location,
            date=day,
            value=value,
            text_value=text,
            cited_publisher=publisher,
            cited_title=f"{publisher} update",
            cited_url="https://example.org/u",
            cited_date=day,
            **extra,
        )
    )
