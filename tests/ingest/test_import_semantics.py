"""Import semantics on small UNRWA-shaped files a test controls: idempotent, revisions, accounting, parity.

- the same file twice writes nothing and says so;
- a newer version with a changed, a dropped, a re-added and a refused row keeps every old value
  in ``revisions``, keeps withdrawn rows retrievable but out of totals, and always balances
  ``rows_read == imported + unchanged + changed + rejected``;
- ``lifeline revisions`` and ``lifeline import --format json`` print what the issue specifies;
- ``lifeline deliveries`` gives identical answers on SQLite and PostgreSQL for every option, with
  weeks starting on Monday on both.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, func, inspect, select, text

from lifeline.errors import BadFile
from lifeline.ingest.service import ImportReport, import_file
from lifeline.model.deliveries import delivery_table
from lifeline.store import queries, schema
from lifeline.store.engine import open_store
from tests.cli import helpers
from tests.cli.helpers import invoke_cli, private_postgres, run_cli, snapshot, unrwa_csv, unrwa_row
from tests.conftest import postgres_url

fresh_store = helpers.fresh_store  # fixture: a fresh store on SQLite and on a private PostgreSQL database
store_url = helpers.store_url  # fixture: the URL of such a store, for the CLI

SERIES = "unrwa-commodities-received"


def _version(folder: Path, stamp: str, rows: list[dict[str, Any]]) -> Path:
    return unrwa_csv(folder / f"{SERIES}-{stamp}.csv", rows)


def _v1(folder: Path) -> Path:
    return _version(folder, "20240601", [unrwa_row(i, quantity=10 * i) for i in range(1, 6)])


def _v2(folder: Path) -> Path:
    """Row 2's quantity changed, row 3 dropped, row 6 new, row 7 refused (its date is not a date)."""
    rows = [unrwa_row(i, quantity=10 * i) for i in (1, 2, 4, 5, 6)]
    rows[1]["Quantity"] = "25"
    rows.append(unrwa_row(7, day="not a date"))
    return _version(folder, "20240701", rows)


def _v3(folder: Path) -> Path:
    """Back to v1's values for rows 1-5 (row 3 re-added), plus row 6 unchanged."""
    return _version(folder, "20240801", [unrwa_row(i, quantity=10 * i) for i in range(1, 7)])


def _balanced(report: ImportReport) -> bool:
    return report.rows_read == report.rows_imported + report.rows_unchanged + report.rows_changed + report.rows_rejected


def _counts(report: ImportReport) -> tuple[int, int, int, int, int, int]:
    return (
        report.rows_read, report.rows_imported, report.rows_unchanged, report.rows_changed,
        report.rows_rejected, report.rows_withdrawn,
    )


def test_same_file_twice_writes_nothing_and_says_so(fresh_store: Engine, tmp_path: Path) -> None:
    first = import_file(fresh_store, _v1(tmp_path))
    assert (first.status, _counts(first)) == ("imported", (5, 5, 0, 0, 0, 0))
    before = snapshot(fresh_store)
    again = import_file(fresh_store, _v1(tmp_path))
    assert again.status == "unchanged"
    assert _counts(again) == (5, 0, 5, 0, 0, 0)
    assert "nothing changed" in again.message and "nothing written" in again.message
    assert again.dataset_id == first.dataset_id
    assert snapshot(fresh_store) == before


def test_update_keeps_old_values_withdrawn_rows_and_balances(fresh_store: Engine, tmp_path: Path) -> None:
    first = import_file(fresh_store, _v1(tmp_path))
    second = import_file(fresh_store, _v2(tmp_path))
    assert second.status == "updated"
    assert _counts(second) == (6, 1, 3, 1, 1, 1)
    assert second.rejections == [
        {"row": 7, "column": "Received Date", "reason": "expected a date as YYYY-MM-DD, found not a date"}
    ]
    third = import_file(fresh_store, _v3(tmp_path))
    assert _counts(third) == (6, 0, 4, 2, 0, 0)
    assert all(_balanced(r) for r in (first, second, third))

    with fresh_store.connect() as conn:
        history = queries.revisions(conn)
        by_dataset = queries.revisions(conn, dataset_id=second.dataset_id)
        d = schema.deliveries
        row3 = conn.execute(select(d.c.withdrawn_dataset_id, d.c.quantity).where(d.c.source_row_id == "3")).one()
    # v2: row 2 changed 20 -> 25, row 3 withdrawn; v3: row 2 back to 20, row 3 restored.
    assert [(h["action"], h["source_row_id"], h["dataset_id"]) for h in history] == [
        ("changed", "2", second.dataset_id),
        ("withdrawn", "3", second.dataset_id),
        ("changed", "2", third.dataset_id),
        ("restored", "3", third.dataset_id),
    ]
    assert [h["source_row_id"] for h in by_dataset] == ["2", "3"]
    changed = history[0]
    assert changed["previous_dataset_id"] == first.dataset_id
    assert _json(changed["old_values"])["quantity"] == 20.0 and _json(changed["new_values"])["quantity"] == 25.0
    assert _json(history[1]["old_values"])["quantity"] == 30.0  # the withdrawn row's values are kept
    assert _json(history[2]["old_values"])["quantity"] == 25.0
    assert row3.withdrawn_dataset_id is None and row3.quantity == 30.0


def test_withdrawn_rows_stay_retrievable_and_out_of_totals(fresh_store: Engine, tmp_path: Path) -> None:
    import_file(fresh_store, _v1(tmp_path))
    second = import_file(fresh_store, _v2(tmp_path))
    with fresh_store.connect() as conn:
        d = schema.deliveries
        stored = conn.execute(select(d.c.source_row_id, d.c.withdrawn_dataset_id).order_by(d.c.source_row_id)).all()
        totals = queries.delivery_totals(conn, "month", "crossing")
    assert [(r.source_row_id, r.withdrawn_dataset_id) for r in stored] == [
        ("1", None), ("2", None), ("3", second.dataset_id), ("4", None), ("5", None), ("6", None),
    ]
    assert [(t["group"], t["consignments"]) for t in totals] == [("kerem-shalom", 5)]
    # 10 + 25 + 40 + 50 + 60 pallets at the kg-per-pallet assumption (637.5 kg): row 3's 30 left out
    assert totals[0]["tonnes"] == pytest.approx(185 * 637.5 / 1000)


def test_progress_reports_each_stage_in_order(fresh_store: Engine, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    import_file(fresh_store, _v1(tmp_path), progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    assert stages[:3] == ["reading", "normalising", "comparing with the store"]
    storing = [x for x in seen if x[0] == "storing"]
    assert storing[-1][1] == storing[-1][2] == 5
    assert stages[-1] == "updating totals" and stages.index("storing") < stages.index("updating totals")


# ------------------------------------------------------------------ the CLI: import --format json, revisions


def test_import_json_has_the_shape_the_issue_specifies(store_url: str, tmp_path: Path) -> None:
    result = invoke_cli(store_url, "import", "--format", "json", str(_v1(tmp_path)), str(_v2(tmp_path)))
    assert result.returncode == 1, result.stderr  # v2 holds a rejected row: stored with rejections
    doc = json.loads(result.stdout)  # exactly one JSON document, nothing else on stdout
    assert list(doc) == ["datasets"] and len(doc["datasets"]) == 2
    required = [
        "path", "kind", "rows_read", "rows_imported", "rows_unchanged", "rows_changed", "rows_rejected", "rejections"
    ]
    for entry in doc["datasets"]:
        assert list(entry)[: len(required)] == required
        assert entry["kind"] == "unrwa"
        assert all(isinstance(entry[k], int) for k in required[2:-1])
        assert entry["rows_read"] == sum(entry[k] for k in required[3:-1])
    second = doc["datasets"][1]
    assert second["path"].endswith(f"{SERIES}-20240701.csv")
    assert second["rejections"] == [
        {"row": 7, "column": "Received Date", "reason": "expected a date as YYYY-MM-DD, found not a date"}
    ]
    assert (second["status"], second["rows_withdrawn"]) == ("updated", 1)


@pytest.mark.slow
def test_revisions_command_lists_changes_with_old_and_new_values(store_url: str, tmp_path: Path) -> None:
    assert invoke_cli(store_url, "import", str(_v1(tmp_path)), str(_v2(tmp_path))).returncode == 1  # v2: a row rejected
    result = invoke_cli(store_url, "revisions", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    rows = doc["rows"]
    assert [(r["action"], r["source_row_id"], r["series"]) for r in rows] == [
        ("changed", "2", SERIES), ("withdrawn", "3", SERIES)
    ]
    assert rows[0]["dataset_path"] == f"{SERIES}-20240701.csv"
    assert rows[0]["previous_path"] == f"{SERIES}-20240601.csv"
    assert "quantity: 20.0 -> 25.0" in rows[0]["change"]
    assert json.loads(rows[0]["old_values"])["quantity"] == 20.0
    assert json.loads(rows[0]["new_values"])["quantity"] == 25.0
    assert rows[1]["new_values"] is None and json.loads(rows[1]["old_values"])["quantity"] == 30.0

    only = json.loads(invoke_cli(store_url, "revisions", "--dataset", "1", "--format", "json").stdout)
    assert only["rows"] == []  # the first import changed nothing that was stored before
    as_csv = invoke_cli(store_url, "revisions", "--format", "csv").stdout
    assert [r["action"] for r in csv.DictReader(io.StringIO(as_csv))] == ["changed", "withdrawn"]
    table = invoke_cli(store_url, "revisions")
    assert table.returncode == 0 and "withdrawn" in table.stdout


# ------------------------------------------------------------------ deliveries: SQLite and PostgreSQL agree

# Days chosen around week and month edges: Sundays and Mondays, a year end, a leap day.
DAYS = ["2023-12-31", "2024-01-01", "2024-02-29", "2024-03-03", "2024-03-04", "2024-05-05", "2024-05-06", "2024-05-12"]
CROSSINGS = ["Kerem Shalom", "Rafah", "Zikim", "JLOTS", "Gate 96"]
GOODS = [
    ("Wheat flour", "Food Items"), ("Rice + Sugar", "Food Items"), ("Tents", "Shelter"), ("Medicine", "Medical Supply")
]


def _mixed_file(folder: Path) -> Path:
    rows = []
    combos = itertools.product(DAYS, CROSSINGS, GOODS)
    for i, (day, crossing, (description, category)) in enumerate(combos, start=1):
        rows.append(
            unrwa_row(i, day=day, quantity=(i % 9) - 1, crossing=crossing, description=description, category=category,
                      units="Pallets" if i % 4 else "MT")
        )
    return _version(folder, "20240901", rows)


def _cogat_file(folder: Path) -> Path:
    path = folder / "cogat-gaza-aid-data-20240924.csv"
    lines = ["Index,Date,Route,Classification,Donor,Aid (tons)"]
    for i, day in enumerate(["25 Feb 2024", "3 Mar 2024", "4 Mar 2024", "9 Sept 2024", "6 May 2024"], start=1):
        route = ["Aerial Route", "Land Route", "Maritime Route"][i % 3]
        lines.append(f"{i},{day},{route},Food,Jordan,{'-' if i == 3 else 20 + i}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def two_backends(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The same files imported into a SQLite store and a private PostgreSQL store."""
    folder = tmp_path_factory.mktemp("parity")
    files = [_mixed_file(folder), _cogat_file(folder)]
    with private_postgres(postgres_url()) as pg_url:
        urls = {"sqlite": f"sqlite:///{folder / 'store.db'}", "postgres": pg_url}
        engines = {name: open_store(url) for name, url in urls.items()}
        for engine in engines.values():
            for path in files:
                import_file(engine, path)
        yield urls, engines
        for engine in engines.values():
            engine.dispose()


@pytest.mark.postgres
def test_every_group_and_period_gives_identical_results(two_backends) -> None:  # type: ignore[no-untyped-def]
    _urls, engines = two_backends
    for by, group in itertools.product(("day", "week", "month"), queries.GROUPS):
        answers = []
        for engine in engines.values():
            with engine.connect() as conn:
                answers.append(delivery_table(conn, by=by, group=group).as_dict())
        assert answers[0]["rows"], (by, group)
        assert answers[0] == answers[1], (by, group)


@pytest.mark.postgres
@pytest.mark.parametrize("fmt", ["json", "csv", "hxl", "table"])
def test_cli_deliveries_prints_the_same_on_both_backends(two_backends, fmt: str) -> None:  # type: ignore[no-untyped-def]
    urls, _engines = two_backends
    args = ["deliveries", "--by", "week", "--group", "category", "--from", "2024-01-01", "--format", fmt]
    outputs = [invoke_cli(url, *args) for url in urls.values()]
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
    assert outputs[0].stdout == outputs[1].stdout
    if fmt == "json":
        doc = json.loads(outputs[0].stdout)
        assert {r["period"] for r in doc["rows"]} >= {"2024-01-01", "2024-02-26", "2024-03-04"}


@pytest.mark.postgres
def test_weeks_start_on_monday_on_both_backends(two_backends) -> None:  # type: ignore[no-untyped-def]
    _urls, engines = two_backends
    expected = {
        "2023-12-31": "2023-12-25",  # Sunday -> the Monday before, across the year end
        "2024-01-01": "2024-01-01",  # Monday
        "2024-02-29": "2024-02-26",
        "2024-03-03": "2024-02-26",  # Sunday
        "2024-03-04": "2024-03-04",  # Monday
        "2024-05-05": "2024-04-29",
        "2024-05-06": "2024-05-06",
        "2024-05-12": "2024-05-06",
    }
    for engine in engines.values():
        with engine.connect() as conn:
            for day, monday in expected.items():
                from datetime import date

                d = date.fromisoformat(day)
                rows = queries.delivery_totals(conn, "week", "crossing", d, d, source="unrwa")
                assert {r["period"] for r in rows} == {monday}, (engine.dialect.name, day)


# ------------------------------------------------------------------ the summary stays in step with the rows


def _direct(conn: Connection, keys: tuple[str, ...], source: str | None = None) -> list[tuple[Any, ...]]:
    """The breakdown summed straight from current delivery rows, as the reference."""
    d, ds, s = schema.deliveries, schema.datasets, schema.sources
    cols = [d.c[k] for k in keys]
    stmt = (
        select(*cols, func.sum(d.c.consignments), func.sum(d.c.trucks), func.sum(d.c.kg) / 1000.0, func.count(d.c.kg))
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(d.c.withdrawn_dataset_id.is_(None))
        .group_by(*cols)
        .order_by(*[c.asc().nulls_last() for c in cols])
    )
    if source:
        stmt = stmt.where(func.lower(s.c.publisher) == source.lower())
    return [tuple(r) for r in conn.execute(stmt)]


def _from_summary(conn: Connection, keys: tuple[str, ...], source: str | None = None) -> list[tuple[Any, ...]]:
    rows = queries.delivery_breakdown(conn, keys, source=source)
    sums = ("consignments", "trucks", "tonnes", "rows_with_weight")
    return [tuple(r[k] for k in keys) + tuple(r[k] for k in sums) for r in rows]


def _same(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        for u, v in zip(x, y, strict=True):
            if isinstance(u, float) or isinstance(v, float):
                if (u is None) != (v is None) or (u is not None and v != pytest.approx(u, rel=1e-9, abs=1e-9)):
                    return False
            elif u != v:
                return False
    return True


def test_summary_matches_the_rows_after_every_kind_of_import(fresh_store: Engine, tmp_path: Path) -> None:
    steps = [_v1, _v2, _v3, _v2, _mixed_file, _cogat_file]
    groupings = [("area", "commodity"), ("crossing",), ("category", "route"), ("commodity", "crossing", "area")]
    for step in steps:
        import_file(fresh_store, step(tmp_path))
        with fresh_store.connect() as conn:
            for keys in groupings:
                for source in (None, "UNRWA", "cogat"):
                    direct, summary = _direct(conn, keys, source), _from_summary(conn, keys, source)
                    if source is None:
                        assert direct, (step.__name__, keys)
                    assert _same(direct, summary), (step.__name__, keys, source, direct, summary)


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def test_migration_fills_the_summary_of_a_store_that_had_deliveries(fresh_store: Engine, tmp_path: Path) -> None:
    """A store imported before the summary existed gets it from its rows when migrated."""
    from lifeline.store.engine import upgrade

    import_file(fresh_store, _v1(tmp_path))
    import_file(fresh_store, _v2(tmp_path))
    # As before this migration: no summary table, and 0002 not recorded (other areas' heads stay).
    with fresh_store.begin() as conn:
        conn.execute(text("DROP TABLE delivery_summary"))
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0002'"))
    tables = set(inspect(fresh_store).get_table_names())
    assert "delivery_summary" not in tables and {"deliveries", "alerts"} <= tables
    upgrade(fresh_store)
    with fresh_store.connect() as conn:
        for keys in [("area", "commodity"), ("crossing",)]:
            assert _same(_direct(conn, keys), _from_summary(conn, keys))
            assert _direct(conn, keys)


@pytest.mark.postgres
def test_bulk_paths_store_awkward_text_identically(tmp_path: Path) -> None:
    """COPY on PostgreSQL and executemany on SQLite keep every character: quotes, commas, line ends,
    backslashes, a literal \\N (not NULL), Arabic, and long text."""
    awkward = ['say "flour"', "rice, sugar", "two\nlines", "back\\slash", "\\N", "طحين", "x" * 5000, "  padded  ", "'"]
    rows = [unrwa_row(i, description=text) for i, text in enumerate(awkward, start=1)]
    rows[0]["Donation Type"] = 'quote " and \\N in an unmodelled column'
    path = _version(tmp_path, "20240101", rows)
    stored = []
    with private_postgres(postgres_url()) as pg_url:
        for url in (f"sqlite:///{tmp_path / 's.db'}", pg_url):
            engine = open_store(url)
            import_file(engine, path)
            d = schema.deliveries
            with engine.connect() as conn:
                query = select(d.c.source_row_id, d.c.description, d.c.extra).order_by(d.c.id)
                stored.append(conn.execute(query).all())
            engine.dispose()
    assert stored[0] == stored[1]
    assert [r.description for r in stored[0]] == awkward
    assert stored[1][4].description == "\\N"
    assert '\\\\N in an unmodelled column' in stored[1][0].extra


def test_excel_style_csv_imports(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8": a byte-order mark, CRLF line ends, and no line end after the last row."""
    plain = _version(tmp_path, "20240102", [unrwa_row(i) for i in range(1, 4)]).read_text(encoding="utf-8")
    path = tmp_path / f"{SERIES}-20240103.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(plain.splitlines()).encode())
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}")
    report = import_file(engine, path)
    engine.dispose()
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (3, 3, 0)


def test_two_imports_of_one_file_at_once_take_turns(store_url: str, tmp_path: Path) -> None:
    """Two processes (here: two engines in threads) importing the same file: one imports, one finds
    nothing changed; neither fails on the unique key."""
    from concurrent.futures import ThreadPoolExecutor

    path = _version(tmp_path, "20240104", [unrwa_row(i) for i in range(1, 3001)])
    engines = [open_store(store_url) for _ in range(2)]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(lambda engine: import_file(engine, path), engines))
        with engines[0].connect() as conn:
            stored = conn.execute(select(func.count()).select_from(schema.deliveries)).scalar()
    finally:
        for engine in engines:
            engine.dispose()
    assert sorted(r.status for r in reports) == ["imported", "unchanged"]
    assert stored == 3000


# ------------------------------------------------------------------ any sequence of versions keeps the invariants

version_rows = st.dictionaries(
    keys=st.integers(min_value=1, max_value=12),
    values=st.one_of(st.integers(min_value=-1, max_value=40), st.just("bad date")),
    max_size=12,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(versions=st.lists(version_rows, min_size=1, max_size=4))
def test_any_sequence_of_versions_keeps_accounting_and_history(tmp_path: Path, versions: list[dict[int, Any]]) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    engine = open_store(f"sqlite:///{folder / 's.db'}")
    seen: set[int] = set()
    try:
        for n, version in enumerate(versions):
            rows = [
                unrwa_row(i, day="not a date") if v == "bad date" else unrwa_row(i, quantity=v)
                for i, v in sorted(version.items())
            ]
            path = _version(folder, f"2024{n + 1:02d}01", rows)
            good = {i: float(v) for i, v in version.items() if v != "bad date"}
            if rows and not good:  # every row rejected: the file is refused, the store keeps what it had
                with pytest.raises(BadFile, match="every row of the file was rejected"):
                    import_file(engine, path)
                continue
            report = import_file(engine, path) if rows else None
            if report is None:
                continue
            assert _balanced(report)
            assert report.rows_rejected == len(version) - len(good)
            with engine.connect() as conn:
                d = schema.deliveries
                live = select(d.c.source_row_id, d.c.quantity).where(d.c.withdrawn_dataset_id.is_(None))
                current = dict(conn.execute(live).all())
                stored = {r for (r,) in conn.execute(select(d.c.source_row_id))}
                assert _same(_direct(conn, ("crossing",)), _from_summary(conn, ("crossing",)))
            seen |= set(good)
            assert current == {str(i): q for i, q in good.items()}  # the newest version, exactly
            assert stored == {str(i) for i in seen}  # nothing once stored is ever deleted
    finally:
        engine.dispose()


@pytest.mark.slow
def test_flags_command_lists_the_rows_the_import_message_points_to(store_url: str, tmp_path: Path) -> None:
    rows = [unrwa_row(i, quantity=q) for i, q in ((1, 5), (2, 0), (3, -2), (4, 7))]
    rows[3]["Units"] = "Crates"  # a unit no rule knows
    path = _version(tmp_path, "20240105", rows)
    imported = run_cli(store_url, "import", str(path))
    assert imported.returncode == 0, imported.stderr
    hint = f"lifeline flags --series {SERIES}"
    assert f"3 rows kept with flags (quantity<=0 2, unknown-unit 1; see `{hint}`)" in " ".join(imported.stdout.split())
    listed = json.loads(run_cli(store_url, "flags", "--series", SERIES, "--format", "json").stdout)["rows"]
    expected = [(3, "quantity<=0"), (4, "quantity<=0"), (5, "unknown-unit")]
    assert [(r["row_number"], r["flags"]) for r in listed] == expected
    only = json.loads(run_cli(store_url, "flags", "--flag", "unknown-unit", "--format", "json").stdout)["rows"]
    assert [r["source_row_id"] for r in only] == ["4"]


def test_dry_run_reports_what_an_update_would_do_and_writes_nothing(store_url: str, tmp_path: Path) -> None:
    """--dry-run: the same accounting the import will give (withdrawals included), and an untouched store."""
    engine = open_store(store_url)
    import_file(engine, _v1(tmp_path))
    before = snapshot(engine)
    result = invoke_cli(store_url, "import", "--dry-run", "--format", "json", str(_v2(tmp_path)))
    assert result.returncode == 1, result.stderr  # v2 would be stored with a rejected row
    checked = json.loads(result.stdout)["datasets"][0]
    assert checked["status"] == "dry-run" and checked["dataset_id"] is None
    assert snapshot(engine) == before
    table = invoke_cli(store_url, "import", "--dry-run", str(_v2(tmp_path)))
    said = " ".join(table.stdout.split())  # the console wraps long lines
    assert "would import 1, change 1, leave 3 unchanged, reject 1, withdraw 1; nothing written" in said
    assert snapshot(engine) == before
    real = import_file(engine, _v2(tmp_path))
    keys = ("rows_read", "rows_imported", "rows_unchanged", "rows_changed", "rows_rejected", "rows_withdrawn")
    assert {k: checked[k] for k in keys} == {k: getattr(real, k) for k in keys}
    assert checked["rejections"] == real.rejections
    engine.dispose()
