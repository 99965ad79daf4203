"""Malformed files: one plain line naming the file (and row/column), exit status 2, and the store untouched.

Each case runs through the real ``lifeline`` command on SQLite and through ``import_file`` on
PostgreSQL, against a store that already holds a good import, and compares a checksum of every
table before and after. A failure inside the database half-way through an import (a real
trigger refusing one row in the second batch) must leave no trace either.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, inspect, text

from lifeline.errors import UserError
from lifeline.ingest.service import import_file
from lifeline.store.engine import open_store
from tests.cli import helpers
from tests.cli.helpers import UNRWA_HEADER, invoke_cli, private_postgres, snapshot, unrwa_csv, unrwa_row
from tests.conftest import postgres_url

fresh_store = helpers.fresh_store  # fixture: a fresh store on SQLite and on a private PostgreSQL database


@dataclass
class Case:
    """A bad file: how to make it, what the one line must say, and at which row/column."""

    make: Callable[[Path], Path]
    says: str
    row: int | None = None
    column: str | None = None


def _good_rows(n: int, start: int = 1) -> list[dict[str, str]]:
    return [unrwa_row(i, quantity=i % 7 + 1) for i in range(start, start + n)]


def _text(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content)
        return path

    return make


def _truncated_csv(folder: Path) -> Path:
    full = unrwa_csv(folder / "full.csv", _good_rows(5)).read_bytes()
    path = folder / "truncated.csv"
    path.write_bytes(full[: full.rindex(b"Wheat flour") + 5])  # cut mid-row, inside the description
    return path


def _truncated_in_quotes(folder: Path) -> Path:
    rows = _good_rows(5)
    rows[-1]["Description of Cargo"] = "Flour, rice and sugar"  # needs quotes in CSV
    full = unrwa_csv(folder / "full.csv", rows).read_bytes()
    path = folder / "truncated-quoted.csv"
    path.write_bytes(full[: full.rindex(b"rice and")])
    return path


def _ragged_csv(folder: Path) -> Path:
    path = unrwa_csv(folder / "ragged.csv", _good_rows(5))
    lines = path.read_text().splitlines()
    lines[3] += ",surplus,cells"  # file row 4 has two fields more than the header
    path.write_text("\n".join(lines) + "\n")
    return path


def _missing_column(folder: Path) -> Path:
    path = folder / "no-quantity.csv"
    header = [h for h in UNRWA_HEADER if h != "Quantity"]
    rows = [",".join(r[h] for h in header) for r in _good_rows(3)]
    path.write_text("\n".join([",".join(header), *rows]) + "\n")
    return path


def _unrwa_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(UNRWA_HEADER)
    for row in rows:
        sheet.append([row[h] for h in UNRWA_HEADER])
    book.save(path)
    return path


def _truncated_xlsx(folder: Path) -> Path:
    data = _unrwa_xlsx(folder / "full.xlsx", _good_rows(200)).read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _no_table_xlsx(folder: Path) -> Path:
    book = Workbook()
    book.active["A1"] = "Gaza supplies: see the next release"
    book.create_sheet("Notes")["B2"] = "nothing here either"
    path = folder / "no-table.xlsx"
    book.save(path)
    return path


def _latin1(row_index: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        rows = _good_rows(300)
        rows[row_index]["Description of Cargo"] = "Café and crème"
        return unrwa_csv(folder / f"latin1-{row_index}.csv", rows, encoding="latin-1")

    return make


def _utf16(folder: Path) -> Path:
    return unrwa_csv(folder / "utf16.csv", _good_rows(3), encoding="utf-16")


def _binary(folder: Path) -> Path:
    path = folder / "photo.csv"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    return path


def _folder(folder: Path) -> Path:
    path = folder / "a-folder"
    path.mkdir()
    return path


CASES: dict[str, Case] = {
    "wrong columns": Case(_text("other.csv", b"name,colour,size\nbox,red,3\n"), "not recognised as any known kind", 1),
    "missing a required column": Case(_missing_column, "missing column(s) 'Quantity'", 1, "Quantity"),
    "truncated csv": Case(_truncated_csv, "looks truncated", 6),
    "truncated inside quotes": Case(_truncated_in_quotes, "never closed", 6),
    "ragged row": Case(_ragged_csv, "the row has 18 fields but the header has 16", 4),
    "truncated xlsx": Case(_truncated_xlsx, "not a readable spreadsheet"),
    "empty file": Case(_text("empty.csv", b""), "the file is empty"),
    "blank lines only": Case(_text("blank.csv", b"\n \n\t\n"), "the file is empty"),
    "header only": Case(lambda f: unrwa_csv(f / "header-only.csv", []), "header row but no data rows", 2),
    "semicolon separated": Case(
        _text("semicolons.csv", b"ID;Received Date;Crossing\n1;2024-05-06;Rafah\n"), "separated by semicolons", 1
    ),
    "binary": Case(_binary, "binary"),
    "latin-1 early": Case(_latin1(2), "not UTF-8 text", 4),
    "latin-1 beyond the first 8 KB": Case(_latin1(250), "not UTF-8 text", 252),
    "utf-16": Case(_utf16, "UTF-16"),
    "spreadsheet with no table": Case(_no_table_xlsx, "no sheet with a table"),
    "hashtag row matching nothing": Case(
        _text("tags.csv", b"Name,Value\n#foo,#bar+baz\nx,1\n"), "match nothing Lifeline reads", 2
    ),
    "a folder": Case(_folder, "is a folder"),
    "missing file": Case(lambda f: f / "not-there.csv", "no such file"),
}


def _check_line(line: str, path: Path, case: Case) -> None:
    assert str(path) in line
    assert case.says in line
    if case.row is not None:
        assert f"row {case.row}" in line
    if case.column is not None:
        assert f"column {case.column!r}" in line


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """One SQLite store holding a good import, shared by the cases (a failed import changes nothing)."""
    folder = tmp_path_factory.mktemp("bad-files-sqlite")
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    import_file(engine, unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", _good_rows(20)))
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if not os.environ.get("LIFELINE_TEST_PG") and not os.environ.get("CI"):
        pytest.skip("LIFELINE_TEST_PG is not set (run `make test` to start a local PostgreSQL server)")
    folder = tmp_path_factory.mktemp("bad-files-pg")
    with private_postgres(postgres_url()) as url:
        engine = open_store(url)
        import_file(engine, unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", _good_rows(20)))
        yield engine
        engine.dispose()


@pytest.mark.parametrize("name", list(CASES))
def test_cli_bad_file_one_line_exit_2_store_untouched(name: str, sqlite_db, tmp_path: Path) -> None:
    url, engine = sqlite_db
    case = CASES[name]
    path = case.make(tmp_path)
    before = snapshot(engine)
    result = invoke_cli(url, "import", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lifeline: error: ")
    _check_line(lines[0], path, case)
    assert result.stdout.strip() == ""
    assert snapshot(engine) == before


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(CASES))
def test_postgres_bad_file_user_error_store_untouched(name: str, postgres_db: Engine, tmp_path: Path) -> None:
    case = CASES[name]
    path = case.make(tmp_path)
    before = snapshot(postgres_db)
    with pytest.raises(UserError) as caught:
        import_file(postgres_db, path)
    _check_line(str(caught.value), path, case)
    assert "\n" not in str(caught.value)
    assert snapshot(postgres_db) == before


def test_json_format_error_is_one_line_on_stderr_and_listed_in_the_document(sqlite_db, tmp_path: Path) -> None:
    url, _engine = sqlite_db
    path = _binary(tmp_path)
    result = invoke_cli(url, "import", "--format", "json", str(path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    doc = json.loads(result.stdout)  # still exactly one JSON document on stdout
    assert doc["datasets"] == []
    assert [e["file"] for e in doc["errors"]] == [str(path)] and "binary" in doc["errors"][0]["error"]


def test_wrong_kind_named_explicitly(sqlite_db, tmp_path: Path) -> None:
    url, engine = sqlite_db
    path = unrwa_csv(tmp_path / "unrwa.csv", _good_rows(3))
    before = snapshot(engine)
    result = invoke_cli(url, "import", "--kind", "cogat", str(path))
    assert result.returncode == 2
    expected = f"lifeline: error: {path}, row 1: does not look like a cogat file (its columns do not match)"
    assert result.stderr.strip().splitlines() == [expected]
    assert snapshot(engine) == before


def test_a_bad_file_among_several_is_refused_and_the_others_imported(sqlite_db, tmp_path: Path) -> None:
    """Each file is its own transaction: the good files before and after a bad one are imported and
    reported; the bad one gets its one line and leaves no trace; the command exits 2."""
    url, engine = sqlite_db
    good = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", _good_rows(3, start=500))
    later = unrwa_csv(tmp_path / "another-list-20240302.csv", _good_rows(2, start=600))
    bad = _binary(tmp_path)
    result = invoke_cli(url, "import", str(good), str(bad), str(later))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(bad) in result.stderr
    assert f"{good}" in result.stdout and "3 imported" in result.stdout  # the good files are reported
    assert f"{later}" in result.stdout and "2 imported" in result.stdout
    with engine.connect() as conn:
        query = "SELECT count(*) FROM deliveries WHERE source_row_id IN ('500', '501', '502', '600', '601')"
        stored = conn.execute(text(query)).scalar()
    assert stored == 5


# ------------------------------------------------------------------ atomicity: a failure inside the database

REFUSED_ID = "150050"  # in the third 20k-row batch of new rows
SQLITE_TRIGGER = (
    "CREATE TRIGGER refuse_one_row BEFORE INSERT ON deliveries "
    f"WHEN NEW.source_row_id = '{REFUSED_ID}' BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
)
PG_TRIGGER = [
    "CREATE FUNCTION refuse_one_row() RETURNS trigger AS $$ BEGIN "
    f"IF NEW.source_row_id = '{REFUSED_ID}' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER refuse_one_row BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse_one_row()",
]


def _big_update(folder: Path) -> Path:
    """A newer version: one row changed, and 110,100 new rows of which one the database refuses.

    Big enough (more new rows than stored, over 100k) for the bulk path that drops and rebuilds
    secondary indexes (and foreign keys on PostgreSQL) inside the transaction.
    """
    rows = _good_rows(20)
    rows[0]["Quantity"] = "99"
    rows += [unrwa_row(i, quantity=3) for i in range(50_000, 50_100)]
    rows += [unrwa_row(i, quantity=4) for i in range(100_000, 210_000)]
    return unrwa_csv(folder / "unrwa-commodities-received-20240201.csv", rows)


def _structure(engine: Engine) -> tuple[list[object], list[object]]:
    found = inspect(engine)
    indexes = sorted(
        (ix["name"], tuple(ix["column_names"]), bool(ix["unique"])) for ix in found.get_indexes("deliveries")
    )
    keys = sorted((fk["name"] or "", tuple(fk["constrained_columns"])) for fk in found.get_foreign_keys("deliveries"))
    return indexes, keys


def _assert_failure_leaves_no_trace(engine: Engine, path: Path) -> None:
    before, structure = snapshot(engine), _structure(engine)
    assert len(structure[0]) >= 2 and len(structure[1]) == 3
    with pytest.raises(Exception, match="refused by the test trigger"):
        import_file(engine, path)
    assert snapshot(engine) == before
    assert _structure(engine) == structure  # the dropped indexes and keys came back with the rollback
    # and without the trigger, the same file imports whole
    with engine.begin() as conn:
        on = " ON deliveries" if engine.dialect.name == "postgresql" else ""
        conn.execute(text(f"DROP TRIGGER refuse_one_row{on}"))
    report = import_file(engine, path)
    assert (report.rows_imported, report.rows_changed, report.rows_unchanged) == (110_100, 1, 19)
    assert _structure(engine) == structure  # rebuilt after the bulk load


@pytest.mark.slow
def test_failure_mid_import_rolls_back_everything_sqlite(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    import_file(engine, unrwa_csv(tmp_path / "unrwa-commodities-received-20240101.csv", _good_rows(20)))
    with engine.begin() as conn:
        conn.execute(text(SQLITE_TRIGGER))
    _assert_failure_leaves_no_trace(engine, _big_update(tmp_path))
    engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_failure_mid_import_rolls_back_everything_postgres(tmp_path: Path) -> None:
    with private_postgres(postgres_url()) as url:
        engine = open_store(url)
        import_file(engine, unrwa_csv(tmp_path / "unrwa-commodities-received-20240101.csv", _good_rows(20)))
        with engine.begin() as conn:
            for statement in PG_TRIGGER:
                conn.execute(text(statement))
        _assert_failure_leaves_no_trace(engine, _big_update(tmp_path))
        engine.dispose()


def test_over_long_code_is_a_rejection_on_both_backends(fresh_store: Engine, tmp_path: Path) -> None:
    """PostgreSQL enforces VARCHAR lengths and SQLite does not: the service rejects the row on both."""
    rules = tmp_path / "rules.toml"
    long_code = "x" * 70
    rules.write_text(f'[crossings.{long_code}]\nname_en = "Test crossing"\naliases = ["Test Gate"]\n')
    rows = _good_rows(3)
    rows[1]["Crossing"] = "Test Gate"
    path = unrwa_csv(tmp_path / "long.csv", rows)
    from lifeline.assumptions import load_set

    report = import_file(fresh_store, path, rules=load_set("normalisation", [rules]))
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (3, 2, 1)
    reason = f"the value {long_code} is longer than the 64 characters the store keeps for crossing"
    assert report.rejections == [{"row": 3, "column": "crossing", "reason": reason}]
    assert json.dumps(report.as_dict())


def test_file_names_are_shown_as_text_not_markup(tmp_path: Path) -> None:
    path = unrwa_csv(tmp_path / "[bold]unrwa[dim].csv", _good_rows(2))
    result = invoke_cli(f"sqlite:///{tmp_path / 's.db'}", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "[bold]unrwa[dim].csv" in result.stdout
