"""``lifeline claims check``: one file, a folder (batch), stdin; table, json and html; exit status 2
with one line for a user's mistake."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.cli.helpers import invoke_cli

STATEMENTS = Path(__file__).with_name("statements")
LIFELINE = [sys.executable, "-c", "from lifeline.cli.app import run; run()"]


def run(engine: Engine, *args: str, stdin: str | None = None,
        process: bool = False) -> subprocess.CompletedProcess[str]:
    """``lifeline --db URL claims check ARGS``: the entry point in-process (tests/cli/helpers.invoke_cli), or
    with ``process`` in a subprocess of its own (the JSON test keeps one, for the real entry point)."""
    url = engine.url.render_as_string(hide_password=False)
    if not process:
        return invoke_cli(url, "claims", "check", *args, stdin=stdin)
    return subprocess.run(
        [*LIFELINE, "--db", url, "claims", "check", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_json_is_one_document(reference_store: Engine) -> None:
    out = run(reference_store, str(STATEMENTS / "06-news-wire.txt"), "--format", "json", process=True)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["document"]["date"] == "2024-05-14"
    # the reopening on 8 May is contradicted: the reference set reports Kerem Shalom restricted that day
    assert [c["verdict"] for c in doc["claims"]] == ["consistent", "consistent", "contradicted", "consistent"]


def test_table_and_html(reference_store: Engine) -> None:
    out = run(reference_store, str(STATEMENTS / "10-prime-minister-office.txt"))
    assert out.returncode == 0, out.stderr
    assert "CONTRADICTED" in out.stdout and "Erez" in out.stdout and "rule:" in out.stdout
    html = run(reference_store, str(STATEMENTS / "21-news-article.html"), "--format", "html")
    assert html.returncode == 0
    assert html.stdout.startswith("<!doctype html>") and "<script" not in html.stdout.lower()


def test_stdin_without_a_date_is_an_answer(reference_store: Engine) -> None:
    """Issue 13: any text gives exit 0; with no dateline and no --date the answer says why nothing is checkable."""
    text = (STATEMENTS / "30-no-dateline.txt").read_text()
    out = run(reference_store, "-", "--format", "json", stdin=text)
    assert out.returncode == 0, out.stderr
    assert "--date" in out.stdout
    out = run(reference_store, "-", "--date", "2024-05-07", "--format", "json", stdin=text)
    assert out.returncode == 0
    assert json.loads(out.stdout)["document"]["date_basis"] == "given"


@pytest.mark.parametrize("bad", [["--date", "7/5/2024"], []])
def test_bad_input_is_one_line(reference_store: Engine, tmp_path: Path, bad: list[str]) -> None:
    target = tmp_path / "missing.txt" if not bad else STATEMENTS / "06-news-wire.txt"
    out = run(reference_store, str(target), *bad)
    assert out.returncode == 2
    assert out.stderr.startswith("lifeline: error:") and out.stderr.strip().count("\n") == 0


def test_batch_folder(reference_store: Engine, tmp_path: Path) -> None:
    for p in sorted(STATEMENTS.iterdir())[:20]:
        if p.suffix in {".txt", ".html"}:
            shutil.copy(p, tmp_path / p.name)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 not really")
    out = run(reference_store, str(tmp_path), "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["documents"]) == 10
    assert [e["file"].endswith("scan.pdf") for e in doc["errors"]] == [True]
