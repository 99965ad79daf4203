"""An HXL export holding several publishers re-imports as one dataset per publisher, with the same figures.

``lifeline deliveries --group crossing --format hxl`` over a store holding UNRWA's and COGAT's lists
writes each row's publisher in ``#meta+source``. Imported into a fresh store, that file must give
back two sources, not one "COGAT; UNRWA": every per-source figure the same as in the store it came
from, and a newer export compared publisher by publisher.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

from lifeline.formats import render
from lifeline.ingest.service import import_file
from lifeline.model.deliveries import delivery_table
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.cli.helpers import snapshot
from tests.conftest import shared_file

HEADER = ["#date", "#loc+crossing+name", "#item+name", "#item+type", "#indicator+num+quantity", "#indicator+unit",
          "#adm1+code", "#meta+id", "#meta+source", "#meta+title", "#meta+url"]  # fmt: skip


def _list(path: Path, publisher: str, n: int, crossings: list[str]) -> Path:
    """A small deliveries list published by ``publisher`` (uniform #meta+source: one source)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(n):
            day = date(2024, 4, 20) + timedelta(days=(i * 3) % 60)
            out.writerow([day.isoformat(), crossings[i % len(crossings)], "Wheat Flour", "Food", str(1 + i % 17),
                          "Pallets" if i % 3 else "MT", ["PS-RFH", "PS-KYS"][i % 2], f"{publisher}-{i}", publisher,
                          f"{publisher} line list", f"https://example.org/{publisher.lower()}"])  # fmt: skip
    return path


def _origin(folder: Path) -> Engine:
    engine = open_store(f"sqlite:///{folder / 'origin.db'}")
    import_file(engine, _list(folder / "unrwa-list.csv", "UNRWA", 400, ["Kerem Shalom", "Rafah"]))
    import_file(engine, _list(folder / "cogat-list.csv", "COGAT", 500, ["Kerem Shalom", "Erez", "Zikim"]))
    return engine


def _table(engine: Engine, by: str, group: str) -> str:
    with engine.connect() as conn:
        return render(delivery_table(conn, by=by, group=group), "hxl")


def _figures(text: str) -> pl.DataFrame:
    """Consignments, trucks and tonnes per period, group and source (completeness depends on the span)."""
    frame = pl.read_csv(text.encode(), skip_rows_after_header=1, infer_schema_length=0)
    counted = {"consignments", "trucks", "tonnes", "rows_with_weight", "rows_without_trucks", "completeness"}
    keys = [c for c in frame.columns if c not in counted]
    return frame.select(*keys, "consignments", "trucks", pl.col("tonnes").cast(pl.Float64)).sort(keys, nulls_last=True)


def _same_figures(again: str, origin: str, rows_per_period: int) -> None:
    """Keys, consignments and trucks exactly; tonnes to the export's 0.001 t per row summed into a period."""
    ours, theirs = _figures(again), _figures(origin)
    assert ours.drop("tonnes").equals(theirs.drop("tonnes"))
    assert ours["tonnes"].is_null().equals(theirs["tonnes"].is_null())
    gap = (ours["tonnes"] - theirs["tonnes"]).abs().fill_null(0).max()
    assert isinstance(gap, float) and gap <= 0.0005 * rows_per_period + 1e-9


def _publishers(engine: Engine) -> list[tuple[str, str, str | None]]:
    d, s = schema.datasets, schema.sources
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.c.series, s.c.publisher, s.c.url).join(s, d.c.source_id == s.c.id).order_by(d.c.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_export_of_two_publishers_reimports_as_two(store: Engine, tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    exported = tmp_path / "deliveries-by-day-20240701.csv"
    exported.write_text(_table(origin, "day", "crossing"), encoding="utf-8")

    report = import_file(store, exported)
    assert report.status == "imported" and report.rows_rejected == 0
    assert report.rows_read == report.rows_imported == exported.read_text().count("\n") - 2
    assert [p["series"] for p in report.parts] == ["deliveries-by-day--cogat", "deliveries-by-day--unrwa"]
    assert [(series, publisher) for series, publisher, _url in _publishers(store)] == [
        ("deliveries-by-day--cogat", "COGAT"),
        ("deliveries-by-day--unrwa", "UNRWA"),
    ]
    assert _figures(_table(store, "day", "crossing")).equals(_figures(_table(origin, "day", "crossing")))
    for by, group, most in (("month", "source", 3 * 31), ("week", "crossing", 7)):
        _same_figures(_table(store, by, group), _table(origin, by, group), most)

    assert import_file(store, exported).status == "unchanged"
    # a newer export that corrects one COGAT figure: only COGAT's series changes
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if ",COGAT," in line)
    cells = lines[at].split(",")
    cells[5] = str(int(cells[5]) + 1)  # consignments
    lines[at] = ",".join(cells)
    newer = tmp_path / "v2" / exported.name
    newer.parent.mkdir()
    newer.write_text("".join(lines), encoding="utf-8")
    update = import_file(store, newer)
    assert [(p["series"], p["status"]) for p in update.parts] == [
        ("deliveries-by-day--cogat", "updated"),
        ("deliveries-by-day--unrwa", "unchanged"),
    ]
    assert (update.rows_changed, update.rows_imported) == (1, 0)
    origin.dispose()


def test_rows_without_a_publisher_and_rejections_stay_with_their_own_part(sqlite_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "#date,#loc+crossing+name,#indicator+num+trucks,#meta+source\n"
        "2024-05-01,Kerem Shalom,10,UNRWA\n"
        "2024-05-01,Kerem Shalom,12,COGAT\n"
        "not a date,Rafah,3,COGAT\n"
        "2024-05-02,Rafah,4,\n",
        encoding="utf-8",
    )
    report = import_file(sqlite_store, path)
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (4, 3, 1)
    assert [(p["series"], p["rows_read"]) for p in report.parts] == [
        ("mixed--cogat", 2),
        ("mixed--unrwa", 1),
        ("mixed--unattributed", 1),
    ]
    assert report.rejections[0]["row"] == 4
    publishers = [publisher for _series, publisher, _url in _publishers(sqlite_store)]
    assert publishers[:2] == ["COGAT", "UNRWA"] and publishers[2].startswith("unknown (HXL file mixed.csv")
    with sqlite_store.connect() as conn:
        refused = conn.execute(select(schema.rejections.c.row, schema.datasets.c.series).join(schema.datasets)).all()
    assert [tuple(r) for r in refused] == [(4, "mixed--cogat")]


def test_dry_run_of_a_mixed_file_writes_nothing(sqlite_store: Engine, tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    exported = tmp_path / "export.csv"
    exported.write_text(_table(origin, "day", "crossing"), encoding="utf-8")
    before = snapshot(sqlite_store)
    report = import_file(sqlite_store, exported, dry_run=True)
    assert report.status == "dry-run" and len(report.parts) == 2
    assert snapshot(sqlite_store) == before
    origin.dispose()


@pytest.mark.slow
def test_real_unrwa_and_cogat_lists_round_trip_per_source(sqlite_store: Engine, tmp_path: Path) -> None:
    origin = open_store(f"sqlite:///{tmp_path / 'origin.db'}")
    import_file(origin, shared_file("unrwa-commodities-received-20241111.csv"))
    import_file(origin, shared_file("cogat-gaza-aid-data-20240924.csv"))
    exported = tmp_path / "export.csv"
    exported.write_text(_table(origin, "day", "crossing"), encoding="utf-8")
    import_file(sqlite_store, exported)
    assert sorted(publisher for _s, publisher, _u in _publishers(sqlite_store)) == ["COGAT", "UNRWA"]
    assert _figures(_table(sqlite_store, "day", "crossing")).equals(_figures(_table(origin, "day", "crossing")))
    _same_figures(_table(sqlite_store, "month", "source"), _table(origin, "month", "source"), 12 * 31)
    origin.dispose()
