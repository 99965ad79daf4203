"""Big SQLite loads staged through ADBC store exactly what the row-by-row path stores, and fail cleanly.

The staged path normally starts at 10,000 rows; here its thresholds are lowered so a small file
goes through it in several chunks, and its result is compared with the ``executemany`` path's.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select, text

from lifeline.ingest import bulk_staged
from lifeline.ingest.service import import_file
from lifeline.store.engine import STAGED_PREFIX, open_store
from tests.cli.helpers import snapshot, unrwa_csv, unrwa_row

AWKWARD = ['say "flour"', "rice, sugar", "two\nlines", "back\\slash", "\\N", "طحين", "x" * 5000, "  padded  ", "'"]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Scratch files go to a folder of the test's own, so what is left behind can be seen."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _staging_everything(monkeypatch: pytest.MonkeyPatch, chunk: int = 4) -> None:
    monkeypatch.setattr(bulk_staged, "MIN_ROWS", 1)
    monkeypatch.setattr(bulk_staged, "MIN_CHUNK_ROWS", chunk)


def _line_list(folder: Path) -> Path:
    rows = [unrwa_row(i, description=t) for i, t in enumerate(AWKWARD, start=1)]
    rows += [
        unrwa_row(20, quantity=-3),  # kept and flagged
        unrwa_row(21, units="Unknown unit"),  # no weight: NULL, not 0
        unrwa_row(22, crossing="Rafah", day="2024-05-07", quantity="12.5"),
        unrwa_row(23, crossing="Nowhere Gate"),
    ]
    rows[0]["Donation Type"] = 'quote " and \\N in an unmodelled column'
    return unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", rows)


def _stored(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Each row-level table's rows with each value's SQLite storage class (text, real, integer, null)."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name in ("deliveries", "delivery_summary"):
            table = meta.tables[name]
            # Summary rows are keyed by their values; their ids follow polars' group order, which varies.
            columns = [c for c in table.c if name == "deliveries" or c.name != "id"]
            typed = [text(f"typeof({c.name})") for c in columns]
            out[name] = sorted((tuple(r) for r in conn.execute(select(*columns, *typed))), key=repr)
    return out


def _staged_attached(engine: Engine) -> list[str]:
    """Scratch databases still attached to the pool's connection."""
    with engine.connect() as conn:
        return [row[1] for row in conn.exec_driver_sql("PRAGMA database_list") if row[1].startswith(STAGED_PREFIX)]


@pytest.mark.parametrize(
    ("chunk", "spare"),
    [
        (4, 1),  # a few chunks for the rows, one or two for the per-day totals
        (1, 1),  # the rows take 7 attachments: the totals' chunks must fit in the 2 left
        (1, 3),  # the rows leave no attachment free: the totals fall back to the row-by-row path
    ],
)
def test_staged_load_stores_what_the_row_by_row_load_stores(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, spare: int
) -> None:
    path = _line_list(tmp_path)
    plain = open_store(f"sqlite:///{tmp_path / 'plain.db'}")
    with plain.connect() as conn:
        assert not bulk_staged.available(conn, 13)
    import_file(plain, path)
    _staging_everything(monkeypatch, chunk)
    monkeypatch.setattr(bulk_staged, "SPARE_ATTACHMENTS", spare)
    staged = open_store(f"sqlite:///{tmp_path / 'staged.db'}")
    with staged.connect() as conn:
        assert bulk_staged.available(conn, 13)
    report = import_file(staged, path)
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (13, 13, 0)
    expected, got = _stored(plain), _stored(staged)
    assert got == expected
    assert [row.description for row in _descriptions(staged)][: len(AWKWARD)] == AWKWARD
    assert _staged_attached(staged) == [], "scratch databases are detached when the connection returns to the pool"
    assert list(scratch.iterdir()) == [], "scratch files are deleted"
    plain.dispose()
    staged.dispose()


def _descriptions(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT description FROM deliveries ORDER BY id")))


def test_staged_load_that_fails_part_way_leaves_store_and_disk_untouched(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    first = tmp_path / "first"
    first.mkdir()
    import_file(engine, _line_list(first))
    before = snapshot(engine)

    _staging_everything(monkeypatch, chunk=3)
    real_stage = bulk_staged._stage
    calls = []

    def stage_then_fail(chunk: Any, path: Path) -> None:
        calls.append(path)
        if len(calls) == 3:  # two chunks are already copied into the import's transaction
            raise OSError(28, "No space left on device")
        real_stage(chunk, path)

    monkeypatch.setattr(bulk_staged, "_stage", stage_then_fail)
    other = tmp_path / "other"
    other.mkdir()
    rows = [unrwa_row(i, day="2024-06-01") for i in range(1, 11)]
    bigger = unrwa_csv(other / "another-line-list-20240601.csv", rows)
    with pytest.raises(OSError, match="No space left"):
        import_file(engine, bigger, kind="unrwa")
    assert len(calls) == 3
    assert snapshot(engine) == before
    assert _staged_attached(engine) == []
    assert list(scratch.iterdir()) == []

    monkeypatch.setattr(bulk_staged, "_stage", real_stage)  # the same connection imports again afterwards
    report = import_file(engine, bigger, kind="unrwa")
    assert report.rows_imported == 10
    assert _staged_attached(engine) == []
    engine.dispose()


def test_memory_database_is_never_staged(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scratch file cannot be copied into another process's view of ``:memory:``; nor is it needed."""
    _staging_everything(monkeypatch)
    engine = open_store("sqlite:///:memory:")
    with engine.connect() as conn:
        assert not bulk_staged.available(conn, 1_000_000)
    engine.dispose()
