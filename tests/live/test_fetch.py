"""Registered sources against a loopback replay of the real protocols (HTTP conditional requests, CKAN).

Covers: a new version imported through the ordinary import service and cited with its retrieval
date; ETag 304s and identical bytes doing nothing; a server error then recovery (with backoff);
a truncated body, a web page instead of data, a slow server: nothing imported, nothing partial
left; a redirect followed; one failing source never blocking another; an HDX dataset with two
resources, then a newer last_modified; a restart in the middle of a fetch.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update

from lifeline.alerts import watching
from lifeline.assumptions import load_set
from lifeline.ingest.live import registry, scheduler, snapshots
from lifeline.store import schema
from lifeline.store.tables_live import live_fetches, live_files, live_snapshots, live_sources
from tests.cli.helpers import unrwa_csv, unrwa_row
from tests.live.replay import Replay, Reply

SERIES = "unrwa-commodities-received"


def csv_bytes(tmp: Path, rows: list[dict[str, Any]], name: str = "v.csv") -> bytes:
    return unrwa_csv(tmp / name, rows).read_bytes()


def v1(tmp: Path) -> bytes:
    return csv_bytes(tmp, [unrwa_row(i, quantity=10 * i) for i in range(1, 6)], "v1.csv")


def v2(tmp: Path) -> bytes:
    rows = [unrwa_row(i, quantity=10 * i) for i in (1, 2, 4, 5, 6)]
    rows[1]["Quantity"] = "25"
    return csv_bytes(tmp, rows, "v2.csv")


def fast(**values: float) -> Any:
    """The live-sources settings with a short timeout, as a test needs."""
    settings = load_set("live-sources")
    for k, v in values.items():
        settings.assumptions[k] = settings.assumptions[k].__class__(**{**settings.assumptions[k].__dict__, "value": v})
    return settings


def register(store: Engine, name: str, location: str, every: str = "6h", **kw: Any) -> None:
    with store.begin() as conn:
        registry.add(conn, name, location, every_seconds=registry.parse_every(every), **kw)


def check(store: Engine, *names: str, settings: Any = None) -> scheduler.Run:
    return scheduler.check_sources(store, scheduler.due(store, names=names or None), settings or fast())


def count(store: Engine, table: Any) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def partials() -> list[Path]:
    return list(snapshots.partial_folder(snapshots.folder()).glob("*"))


def test_new_version_then_304_then_same_bytes_then_revised(store: Engine, replay: Replay, tmp_path: Path) -> None:
    path = f"/data/{SERIES}-20240911.csv"
    url = replay.route(path, Reply(v1(tmp_path), etag='"a1"'))
    register(store, "unrwa", url)
    run = check(store)
    (a,) = run.attempts
    assert a.outcome == "new-version" and a.http_status == 200 and a.dataset_id is not None
    assert a.report and a.report["rows_imported"] == 5
    with store.connect() as conn:
        ds = conn.execute(select(schema.datasets).where(schema.datasets.c.id == a.dataset_id)).one()
        src = conn.execute(select(schema.sources).where(schema.sources.c.id == ds.source_id)).one()
        snap = conn.execute(select(live_snapshots)).one()
    assert ds.series == SERIES and ds.path == f"{SERIES}-20240911.csv"
    assert src.retrieved == datetime.now(UTC).date() and url in src.note  # cited with its retrieval
    assert snap.headers["etag"] == '"a1"' and (snapshots.folder() / snap.path).read_bytes() == v1(tmp_path)
    assert snap.path.startswith(f"{snap.sha256[:2]}/{snap.sha256}/")

    # Checked again: the request carries the ETag, the server answers 304, nothing is written.
    (b,) = check(store, "unrwa").attempts
    assert b.outcome == "not-modified" and b.http_status == 304
    assert replay.requests[-1][2].get("If-None-Match") == '"a1"'
    assert count(store, schema.datasets) == 1

    # The same bytes under a new ETag: downloaded, hashed, recognised, not imported.
    replay.route(path, Reply(v1(tmp_path), etag='"a2"'))
    (c,) = check(store, "unrwa").attempts
    assert c.outcome == "unchanged" and c.http_status == 200 and count(store, schema.datasets) == 1

    # A revised list: a second dataset, with revisions and a withdrawal, through the import service.
    replay.route(path, Reply(v2(tmp_path), etag='"b1"'))
    (d,) = check(store, "unrwa").attempts
    assert d.outcome == "new-version" and d.report
    assert (d.report["rows_changed"], d.report["rows_withdrawn"], d.report["rows_imported"]) == (1, 1, 1)
    assert count(store, schema.datasets) == 2 and count(store, live_snapshots) == 2
    assert count(store, live_fetches) == 4  # every attempt recorded
    assert not partials()


def test_server_error_then_recovery_with_backoff(store: Engine, replay: Replay, tmp_path: Path) -> None:
    url = replay.route(f"/{SERIES}-20240911.csv", Reply(b"oops", 503, "text/plain"), Reply(v1(tmp_path)))
    register(store, "unrwa", url, every="6h")
    (a,) = check(store).attempts
    assert a.outcome == "error" and a.http_status == 503 and "HTTP 503" in (a.error or "")
    with store.connect() as conn:
        s = conn.execute(select(live_sources)).one()
    assert s.failures == 1 and s.last_outcome == "error" and "503" in s.last_error
    wait = s.next_check_at.replace(tzinfo=UTC) - s.last_checked_at.replace(tzinfo=UTC)
    assert timedelta(seconds=299) <= wait <= timedelta(seconds=301)  # retry_base_seconds, not the 6 h schedule
    assert scheduler.due(store) == []  # not due again before its retry time
    assert scheduler.retry_after(3, 21600, 300) == timedelta(seconds=1200)
    assert scheduler.retry_after(20, 21600, 300) == timedelta(seconds=21600)
    (b,) = check(store, "unrwa").attempts  # asked for by name: checked now
    assert b.outcome == "new-version"
    with store.connect() as conn:
        s = conn.execute(select(live_sources)).one()
    assert s.failures == 0 and s.last_error is None and s.last_changed_at is not None


@pytest.mark.parametrize(
    "reply, expected",
    [
        (Reply(b"", 200, truncate_to=None), "empty body"),
        (Reply(b"x" * 10, 200, "text/html"), "web page"),
        (Reply(b"x" * 10, 200, "text/html; charset=utf-8"), "web page"),
    ],
)
def test_bodies_that_are_not_a_version(store: Engine, replay: Replay, reply: Reply, expected: str) -> None:
    register(store, "s", replay.route("/f.csv", reply))
    (a,) = check(store).attempts
    assert a.outcome == "error" and expected in (a.error or "")
    assert count(store, schema.datasets) == 0 and count(store, live_snapshots) == 0 and not partials()


def test_truncated_body_imports_nothing_and_leaves_nothing(store: Engine, replay: Replay, tmp_path: Path) -> None:
    body = v1(tmp_path)
    register(store, "s", replay.route(f"/{SERIES}-20240911.csv", Reply(body, truncate_to=len(body) // 2)))
    (a,) = check(store).attempts
    assert a.outcome == "error" and count(store, schema.datasets) == 0 and count(store, live_snapshots) == 0
    assert not partials()
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(live_files)).scalar_one() == 0  # nothing to compare


def test_slow_server_times_out_and_does_not_block_the_others(store: Engine, replay: Replay, tmp_path: Path) -> None:
    register(store, "slow", replay.route("/slow.csv", Reply(v1(tmp_path), delay=3.0)))
    register(store, "ok", replay.route(f"/{SERIES}-20240911.csv", Reply(v1(tmp_path))))
    started = datetime.now(UTC)
    run = check(store, settings=fast(timeout_seconds=0.5))
    elapsed = (datetime.now(UTC) - started).total_seconds()
    outcome = {a.source: a for a in run.attempts}
    assert outcome["slow"].outcome == "error" and "timeout" in (outcome["slow"].error or "")
    assert outcome["ok"].outcome == "new-version"
    assert elapsed < 2.5  # the fast source did not wait for the slow one's timeout and more


def test_redirect_is_followed_and_the_final_name_kept(store: Engine, replay: Replay, tmp_path: Path) -> None:
    final = replay.route(f"/files/{SERIES}-20240911.csv", Reply(v1(tmp_path)))
    start = replay.route("/latest", Reply(b"", 302, "text/plain", headers={"Location": final}))
    register(store, "r", start)
    (a,) = check(store).attempts
    assert a.outcome == "new-version"
    with store.connect() as conn:
        snap = conn.execute(select(live_snapshots)).one()
    assert snap.url == final and snap.path.endswith(f"/{SERIES}-20240911.csv")


def test_token_comes_from_the_environment_and_is_never_stored(store: Engine, replay: Replay, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    register(store, "t", replay.route(f"/{SERIES}-20240911.csv", Reply(v1(tmp_path))), token_env="LIVE_TEST_TOKEN")
    (a,) = check(store).attempts
    assert a.outcome == "error" and "LIVE_TEST_TOKEN" in (a.error or "")  # named, not guessed
    monkeypatch.setenv("LIVE_TEST_TOKEN", "s3cret-value")
    (b,) = check(store, "t").attempts
    assert b.outcome == "new-version"
    assert replay.requests[-1][2]["Authorization"] == "Bearer s3cret-value"
    dump = io.StringIO()
    with store.connect() as conn:
        for table in (live_sources, live_fetches, live_files, live_snapshots, schema.sources, schema.datasets):
            dump.write(repr(conn.execute(select(table)).all()))
    assert "s3cret" not in dump.getvalue()


def test_restart_in_the_middle_loses_nothing_and_imports_nothing_twice(
    store: Engine, replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = replay.route(f"/{SERIES}-20240911.csv", Reply(v1(tmp_path), etag='"a1"'))
    register(store, "unrwa", url)
    from lifeline.ingest.live import check as check_module

    def crash(*_a: Any, **_k: Any) -> None:
        raise KeyboardInterrupt  # the process is stopped after the import, before the commit

    monkeypatch.setattr(check_module, "_write", crash)
    with pytest.raises(KeyboardInterrupt):
        check(store)
    assert count(store, schema.datasets) == 0 and count(store, live_fetches) == 0  # rolled back whole
    monkeypatch.undo()
    monkeypatch.setenv("LIFELINE_SNAPSHOTS", str(snapshots.folder()))
    with store.begin() as conn:  # the stopped process had not yet moved the schedule on
        conn.execute(update(live_sources).values(next_check_at=datetime.now(UTC) - timedelta(seconds=1)))
    (a,) = check(store).attempts
    assert a.outcome == "new-version" and count(store, schema.datasets) == 1
    (b,) = check(store, "unrwa").attempts
    assert b.outcome == "not-modified" and count(store, schema.datasets) == 1
    assert count(store, live_snapshots) == 1


def test_hdx_dataset_with_two_resources_then_a_newer_last_modified(
    store: Engine, replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFELINE_HDX_URL", replay.base)
    a_url = replay.route(f"/dataset/d/resource/r1/download/{SERIES}-20240911.csv", Reply(v1(tmp_path)))
    cogat = "cogat-gaza-aid-data-20240924.csv"
    b_body = b"Date,Crossing,Trucks\n"  # not a file any importer knows: its resource fails alone
    b_url = replay.route(f"/dataset/d/resource/r2/download/{cogat}", Reply(b_body))
    first = [
        {"id": "r1", "name": f"{SERIES}.csv", "url": a_url, "last_modified": "2024-09-11T10:00:00", "format": "CSV"},
        {"id": "r2", "name": "other.csv", "url": b_url, "last_modified": "2024-09-11T10:00:00", "format": "CSV"},
    ]
    replay.package("gaza-aid", first)
    register(store, "hdx-gaza", "hdx:gaza-aid")
    run = check(store)
    by = {a.resource: a for a in run.attempts}
    assert by["r1"].outcome == "new-version" and by["r2"].outcome == "error"
    assert replay.requests[0][1] == "/api/action/package_show"

    # Same last_modified: HDX says nothing changed, so the file is not even requested.
    second = [dict(first[0]), dict(first[1])]
    replay.package("gaza-aid", second)
    hits = replay.hits(f"/dataset/d/resource/r1/download/{SERIES}-20240911.csv")
    run = check(store, "hdx-gaza")
    assert {a.resource: a.outcome for a in run.attempts}["r1"] == "not-modified"
    assert replay.hits(f"/dataset/d/resource/r1/download/{SERIES}-20240911.csv") == hits

    # A newer last_modified with a revised file: fetched and imported as a new version.
    replay.route(f"/dataset/d/resource/r1/download/{SERIES}-20240911.csv", Reply(v2(tmp_path)))
    third = [dict(first[0], last_modified="2024-11-11T09:00:00"), dict(first[1])]
    replay.package("gaza-aid", third)
    run = check(store, "hdx-gaza")
    r1 = {a.resource: a for a in run.attempts}["r1"]
    assert r1.outcome == "new-version" and r1.report and r1.report["rows_changed"] == 1
    with store.connect() as conn:
        state = conn.execute(select(live_files).where(live_files.c.resource == "r1")).one()
    assert state.published_modified == "2024-11-11T09:00:00"


def test_hdx_unknown_dataset_is_an_error_of_that_source(store: Engine, replay: Replay,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIFELINE_HDX_URL", replay.base)
    replay.route("/api/action/package_show", Reply(b'{"success": false, "error": {"__type": "Not Found Error"}}',
                                                   404, "application/json"))
    register(store, "nope", "hdx:no-such-dataset")
    (a,) = check(store).attempts
    assert a.outcome == "error" and "no-such-dataset" in (a.error or "")


def test_watch_loop_checks_what_is_due_and_stops_when_told(store: Engine, replay: Replay, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(watching, "deliver_alerts", lambda _engine: None)  # no channels in this test
    url = replay.route(f"/{SERIES}-20240911.csv", Reply(v1(tmp_path), etag='"a"'))
    register(store, "unrwa", url, every="1h")
    stop, runs = threading.Event(), []

    def seen(run: scheduler.Run) -> None:
        runs.append(run)
        stop.set()

    worker = threading.Thread(target=watching.watch, args=(store, stop, seen, 0.5, fast()))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert [a.outcome for a in runs[0].attempts] == ["new-version"]
    assert scheduler.due(store) == []  # next check an hour on
    assert replay.hits(f"/{SERIES}-20240911.csv") == 1


def test_serve_watch_checks_sources_in_a_thread_of_the_server_process(store: Engine, replay: Replay, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from lifeline.cli import serve

    monkeypatch.setattr(watching, "deliver_alerts", lambda _engine: None)
    register(store, "unrwa", replay.route(f"/{SERIES}-20240911.csv", Reply(v1(tmp_path))))
    stop = serve._start_watching(str(store.url))
    try:
        deadline = time.monotonic() + 30
        while count(store, live_fetches) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
    with store.connect() as conn:
        assert conn.execute(select(live_fetches.c.outcome)).scalars().all() == ["new-version"]


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"Date,Trucks\n#date,#indicator+num+trucks\n", "row 3: the file has a hashtag row (row 2) but no data rows"),
        (b'[["#date", "#indicator+num+trucks"], ["2024-05-01", 3',
         "the file ends before the JSON does (truncated?) at byte 53"),
    ],
)
def test_a_fetched_file_that_does_not_import_is_named_by_its_url(store: Engine, replay: Replay, body: bytes,
                                                                 expected: str) -> None:
    """The error names the publisher's file as registered (the URL), never the snapshot's path on disk."""
    name = "/deliveries-hxl.json" if body.startswith(b"[") else "/deliveries-hxl.csv"
    url = replay.route(name, Reply(body, 200, "text/csv"))
    register(store, "s", url)
    (a,) = check(store).attempts
    assert a.outcome == "error" and a.error is not None and expected in a.error, a.error
    assert a.error.startswith(f"the file does not import: {url}") and "snapshots" not in a.error
    assert count(store, schema.datasets) == 0
