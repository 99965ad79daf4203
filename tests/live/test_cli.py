"""`lifeline sources add/list/fetch/remove` and `lifeline watch --once`, run as a user runs them.

Each test starts the real console script in a subprocess against a loopback replay server, so the
command line, the exit statuses and what is printed are what a user sees. Credentials are given
through the environment and must appear nowhere: not in the output, not in the log, not in the store.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.cli.helpers import invoke_cli, run_cli
from tests.live.replay import Replay, Reply
from tests.live.test_fetch import SERIES, v1, v2


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LIFELINE_SNAPSHOTS", str(tmp_path / "snapshots"))
    monkeypatch.delenv("HDX_KEY", raising=False)
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_add_list_fetch_remove(db: str, replay: Replay, tmp_path: Path) -> None:
    url = replay.route(f"/{SERIES}-20240911.csv", Reply(v1(tmp_path), etag='"v1"'))
    added = run_cli(db, "sources", "add", "unrwa", url, "--every", "1d", "--format", "json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["rows"][0]["every"] == "1d"

    fetched = run_cli(db, "sources", "fetch", "--format", "json")
    assert fetched.returncode == 0, fetched.stderr
    (attempt,) = json.loads(fetched.stdout)["rows"]
    assert attempt["outcome"] == "new-version" and attempt["http_status"] == 200

    again = run_cli(db, "sources", "fetch", "unrwa", "--format", "json")
    assert [r["outcome"] for r in json.loads(again.stdout)["rows"]] == ["not-modified"]
    assert replay.requests[-1][2].get("If-None-Match") == '"v1"'

    listed = json.loads(run_cli(db, "sources", "list", "--format", "json").stdout)["rows"]
    assert [(r["name"], r["last_outcome"], r["overdue"]) for r in listed] == [("unrwa", "not-modified", False)]
    assert listed[0]["last_changed_at"] and listed[0]["next_check_at"]

    removed = run_cli(db, "sources", "remove", "unrwa")
    assert removed.returncode == 0 and "datasets stay" in removed.stdout
    assert json.loads(run_cli(db, "sources", "list", "--format", "json").stdout)["rows"] == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["sources", "add", "x", "ftp://example.org/f.csv"], "http(s) URL or hdx:"),
        (["sources", "add", "x", "https://user:pw@127.0.0.1/f.csv"], "--token-env"),
        (["sources", "add", "x", "hdx:some-data", "--every", "often"], "--every"),
        (["sources", "add", "Bad Name", "hdx:some-data"], "source name"),
        (["sources", "add", "x", "hdx:some-data", "--kind", "nope"], "--kind"),
        (["sources", "fetch", "nobody"], "no registered source named 'nobody'"),
        (["sources", "remove", "nobody"], "no registered source named 'nobody'"),
    ],
)
def test_mistakes_are_one_line_and_status_2(db: str, args: list[str], says: str) -> None:
    done = invoke_cli(db, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_name_is_registered_once(db: str) -> None:
    assert invoke_cli(db, "sources", "add", "x", "hdx:some-data").returncode == 0
    twice = invoke_cli(db, "sources", "add", "x", "hdx:other-data")
    assert twice.returncode == 2 and "already registered" in twice.stderr


def test_watch_once_with_credentials_that_never_show(db: str, replay: Replay, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """An HDX key and a source's token are sent to the publisher and shown, logged or stored nowhere."""
    hdx_key, token = "hdx-key-5e1f0c2a", "tok-93b7d4e1"
    monkeypatch.setenv("LIFELINE_HDX_URL", replay.base)
    monkeypatch.setenv("HDX_KEY", hdx_key)
    monkeypatch.setenv("UNRWA_TOKEN", token)
    a_url = replay.route(f"/dataset/d/resource/r1/download/{SERIES}-20240911.csv", Reply(v1(tmp_path)))
    replay.package("gaza-aid", [{"id": "r1", "name": "list.csv", "url": a_url,
                                 "last_modified": "2024-09-11T10:00:00", "format": "CSV"}])
    b_url = replay.route(f"/private/{SERIES}-20240912.csv", Reply(b"", 500, "text/plain"),
                         Reply(v2(tmp_path)))
    assert invoke_cli(db, "sources", "add", "hdx-gaza", "hdx:gaza-aid").returncode == 0
    assert invoke_cli(db, "sources", "add", "private", b_url, "--token-env", "UNRWA_TOKEN").returncode == 0

    first = invoke_cli(db, "watch", "--once", "--format", "json")
    outcomes = {r["source"]: r["outcome"] for r in json.loads(first.stdout)["rows"]}
    assert outcomes == {"hdx-gaza": "new-version", "private": "error"}  # one failure blocks nothing
    assert first.returncode == 1

    sent = [h for _m, p, h, _b in replay.requests]
    assert any(h.get("Authorization") == hdx_key for h in sent)
    assert any(h.get("Authorization") == f"Bearer {token}" for h in sent)

    seen = io.StringIO()
    seen.write(first.stdout + first.stderr)
    listed = invoke_cli(db, "sources", "list", "--format", "json")
    seen.write(listed.stdout + listed.stderr)
    engine = create_engine(db)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            seen.write(repr(conn.execute(select(table)).all()))
    engine.dispose()
    for path in (tmp_path / "snapshots").rglob("*"):
        if path.is_file():
            seen.write(path.read_bytes().decode("utf-8", "replace"))
    assert hdx_key not in seen.getvalue() and token not in seen.getvalue()
    private = next(r for r in json.loads(listed.stdout)["rows"] if r["name"] == "private")
    assert private["last_outcome"] == "error" and "HTTP 500" in private["last_error"]


def test_fetch_exits_as_import_does_1_for_rejections_2_for_a_refused_file(db: str, replay: Replay,
                                                                          tmp_path: Path) -> None:
    """A new version stored with rejected rows is exit 1 (its count in the table); a file that does not
    import is exit 2 (nothing of it stored); as `lifeline import` (docs/importers.md)."""
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("date,crossing,item,trucks,source\n"
                     "#date,#loc+crossing+name,#item+name,#indicator+num+trucks,#meta+source\n"
                     "2024-06-01,Kerem Shalom,rice,3,live test\n2024-06-02,Kerem Shalom,rice,-2,live test\n",
                     encoding="utf-8")
    garbage = tmp_path / "garbage.csv"
    garbage.write_text("not,a,known\nkind,of,file\n", encoding="utf-8")
    mixed_url = replay.route("/mixed.csv", Reply(mixed.read_bytes()))
    assert invoke_cli(db, "sources", "add", "mixed", mixed_url).returncode == 0
    stored = invoke_cli(db, "sources", "fetch", "--format", "json")
    assert stored.returncode == 1, stored.stdout + stored.stderr
    (attempt,) = json.loads(stored.stdout)["rows"]
    assert (attempt["outcome"], attempt["rows_rejected"]) == ("new-version", 1)
    garbage_url = replay.route("/garbage.csv", Reply(garbage.read_bytes()))
    assert invoke_cli(db, "sources", "add", "garbage", garbage_url).returncode == 0
    refused = invoke_cli(db, "sources", "fetch", "garbage", "--format", "json")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    (attempt,) = json.loads(refused.stdout)["rows"]
    assert attempt["outcome"] == "error" and "does not import" in attempt["error"] and attempt["rows_rejected"] is None
