"""The exit status of an import (issue 15, decided by the product owner): 0 every row stored, 1 the file
stored with rejected rows (the summary line says how many and where the rejections file is), 2 a refusal
(nothing stored); several files take the worst. The API's answer says the same in ``outcome``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from lifeline.store.engine import open_store
from tests.cli.helpers import run_cli
from tests.web.helpers import bearer, serve

HEADER = """date,crossing,item,trucks,tonnes,source
#date,#loc+crossing+name,#item+name,#indicator+num+trucks,#indicator+num+tonnes,#meta+source
"""
CLEAN = HEADER + "2024-06-01,Kerem Shalom,wheat flour,3,60,exit test\n2024-06-03,Kerem Shalom,lentils,1,20,exit test\n"
REJECTING = HEADER + ("2024-06-01,Kerem Shalom,wheat flour,3,60,exit test\n"
                      "2024-06-02,Kerem Shalom,rice,-2,40,exit test\n"
                      "0000-01-01,Kerem Shalom,rice,1,40,exit test\n")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def where(tmp_path: Path) -> Path:
    return tmp_path / "rejections"


def _run(tmp_path: Path, where: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(f"sqlite:///{tmp_path / 'store.db'}", "import", "--rejections", str(where), *args)


def test_every_row_stored_is_exit_0_and_writes_no_rejections_file(tmp_path: Path, where: Path) -> None:
    done = _run(tmp_path, where, str(_write(tmp_path, "clean.csv", CLEAN)))
    assert done.returncode == 0, done.stderr
    assert "rejected, not stored" not in done.stdout and not where.exists()


def test_a_file_stored_with_rejections_is_exit_1_and_names_its_rejections_file(tmp_path: Path, where: Path) -> None:
    done = _run(tmp_path, where, str(_write(tmp_path, "mixed.csv", REJECTING)))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    (summary,) = [line for line in done.stdout.splitlines() if "rejected, not stored" in line]
    (written,) = where.iterdir()
    assert "2 of 3 rows rejected" in summary and str(written) in summary and "exit status 1" in summary
    assert written.name.startswith("mixed.csv.dataset-1.") and written.name.endswith(".rejections.csv")
    rows = list(csv.reader(written.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["row", "column", "reason"] and rows[1] == ["#meta+row", "#meta+column", "#description"]
    assert [(r[0], r[1].split()[0]) for r in rows[2:]] == [("4", "trucks"), ("5", "date")]
    # the same file again: nothing new to store, but its rejected rows are still not in the store
    again = _run(tmp_path, where, str(tmp_path / "mixed.csv"))
    assert again.returncode == 1 and "every row that could be read is already stored" in again.stdout
    assert "every row is already stored" not in again.stdout


def test_json_says_the_outcome_and_where_the_rejections_are(tmp_path: Path, where: Path) -> None:
    done = _run(tmp_path, where, "--format", "json", str(_write(tmp_path, "clean.csv", CLEAN)),
                str(_write(tmp_path, "mixed.csv", REJECTING)))
    assert done.returncode == 1
    clean, mixed = json.loads(done.stdout)["datasets"]
    assert (clean["outcome"], clean["rejections_file"]) == ("stored", None)
    assert mixed["outcome"] == "stored-with-rejections" and Path(mixed["rejections_file"]).is_file()


def test_a_refusal_beats_rejections_and_leaves_its_file_out(tmp_path: Path, where: Path) -> None:
    refused = _write(tmp_path, "refused.csv", "not,a,known\nkind,of,file\n")
    done = _run(tmp_path, where, str(_write(tmp_path, "mixed.csv", REJECTING)), str(refused))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "refused.csv" in done.stderr
    assert "rejected, not stored" in done.stdout  # the file before it was stored, and said so
    strict = _run(tmp_path, where, "--strict", str(_write(tmp_path, "mixed2.csv", REJECTING)))
    assert strict.returncode == 2


def test_a_dry_run_says_what_an_import_would_do_and_writes_no_file(tmp_path: Path, where: Path) -> None:
    done = _run(tmp_path, where, "--dry-run", str(_write(tmp_path, "mixed.csv", REJECTING)))
    assert done.returncode == 1 and "2 of 3 rows would be rejected" in done.stdout and not where.exists()
    clean = _run(tmp_path, where, "--dry-run", str(_write(tmp_path, "clean.csv", CLEAN)))
    assert clean.returncode == 0


def test_a_folder_that_cannot_be_written_is_a_warning_not_a_failed_import(tmp_path: Path) -> None:
    blocked = _write(tmp_path, "a-file-not-a-folder", "")  # its "subfolder" cannot be made, even by root
    done = _run(tmp_path, blocked / "sub", str(_write(tmp_path, "mixed.csv", REJECTING)))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("lifeline: warning:") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and "listed above" in done.stdout


def test_context_init_exits_as_import_does(tmp_path: Path, where: Path) -> None:
    folder = tmp_path / "ctx"
    folder.mkdir()
    _write(folder, "deliveries.csv", REJECTING)
    done = run_cli(f"sqlite:///{tmp_path / 'store.db'}", "context", "init", "--rejections", str(where), str(folder))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 of 3 rows rejected" in done.stdout and len(list(where.iterdir())) == 1


def test_the_api_answers_201_with_the_outcome(tmp_path: Path) -> None:
    served = serve(open_store(f"sqlite:///{tmp_path / 'store.db'}"), tmp_path, data=False)
    auth = bearer(served.editor_token)
    for name, text, outcome, status in (("clean.csv", CLEAN, "stored", 201),
                                        ("mixed.csv", REJECTING, "stored-with-rejections", 201)):
        got = served.client.post("/api/v1/imports", files={"file": (name, text.encode())}, headers=auth)
        assert got.status_code == status, got.text
        doc = got.json()
        assert doc["outcome"] == outcome and doc["rows_rejected"] == len(doc["rejections"])
        listed = served.client.get(f"/api/v1/datasets/{doc['dataset_id']}/rejections").json()["rows"]
        assert [(r["row"], r["column"]) for r in listed] == [(r["row"], r["column"]) for r in doc["rejections"]]
    dry = served.client.post("/api/v1/imports", files={"file": ("mixed.csv", REJECTING.encode())},
                             data={"dry_run": "true"}, headers=auth)
    assert dry.status_code == 200 and dry.json()["outcome"] == "would-store-with-rejections"
    served.client.close()
