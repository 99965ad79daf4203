"""Every scratch file an import makes is gone on every way out: success, bad input, failure, interrupt, kill.

Each test gives the import a temporary folder of its own (``tempfile.tempdir`` and ``TMPDIR``) and
lists it afterwards. The staged SQLite path (``ingest.bulk_staged``) is the one that writes scratch
files; its thresholds are lowered here so a small file goes through it in several chunks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.ingest import bulk_staged, plausible, service
from lifeline.store import scratch
from lifeline.store.engine import open_store
from tests.cli.helpers import ROOT, lifeline_argv, snapshot, unrwa_csv, unrwa_row


@pytest.fixture
def tmp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


def _line_list(folder: Path, rows: int = 40) -> Path:
    folder.mkdir(exist_ok=True)
    return unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", [unrwa_row(i) for i in range(1, rows + 1)])


def _interrupt_at(stage: str) -> Callable[[str, int, int], None]:
    def progress(now: str, done: int, _total: int) -> None:
        if now == stage and (stage != "storing" or done > 0):  # "storing": after a chunk is copied in
            raise KeyboardInterrupt

    return progress


def _fail_staging_at_third_chunk(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real, calls = bulk_staged._stage, []

    def stage(chunk: Any, path: Path) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise error
        real(chunk, path)

    monkeypatch.setattr(bulk_staged, "_stage", stage)


def _invalidate_then_interrupt(conn: Any, *_args: Any) -> None:
    """KeyboardInterrupt inside a driver call makes SQLAlchemy invalidate the connection: so here."""
    conn.invalidate()
    raise KeyboardInterrupt


CASES = ["success", "bad input", "normalising", "staging", "staging interrupted", "storing", "totals", "invalidated"]


@pytest.mark.parametrize("case", CASES)
def test_import_leaves_no_scratch_file(
    case: str, tmp_path: Path, tmp_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    service.import_file(engine, unrwa_csv(tmp_path / "other-list-20240101.csv", [unrwa_row(900)]))
    before = snapshot(engine)
    monkeypatch.setattr(bulk_staged, "MIN_ROWS", 1)
    monkeypatch.setattr(bulk_staged, "MIN_CHUNK_ROWS", 10)
    path = _line_list(tmp_path / "in")
    progress = None
    expected: type[BaseException] | None = KeyboardInterrupt
    if case == "success":
        expected = None
    elif case == "bad input":
        path.write_bytes(b"\x00\x01binary\xff" * 100)
        expected = UserError
    elif case == "normalising":

        def broken(*_args: Any) -> Any:
            raise RuntimeError("a fault while normalising")

        monkeypatch.setattr(plausible, "check", broken)
        expected = RuntimeError
    elif case == "staging":
        _fail_staging_at_third_chunk(monkeypatch, OSError(28, "No space left on device"))
        expected = OSError
    elif case == "staging interrupted":
        _fail_staging_at_third_chunk(monkeypatch, KeyboardInterrupt())
    elif case == "storing":
        progress = _interrupt_at("storing")
    elif case == "totals":
        progress = _interrupt_at("updating totals")
    elif case == "invalidated":
        monkeypatch.setattr(service.summary, "summarise", _invalidate_then_interrupt)
    if expected is None:
        assert service.import_file(engine, path, progress=progress).rows_imported == 40
    else:
        with pytest.raises(expected):
            service.import_file(engine, path, progress=progress)
        assert snapshot(engine) == before
    assert sorted(p.name for p in tmp_folder.iterdir()) == []
    engine.dispose()


def test_folders_of_killed_imports_are_swept_at_the_next_start(tmp_path: Path, tmp_folder: Path) -> None:
    gone = subprocess.run(["true"], check=True)
    del gone
    finished = subprocess.Popen(["true"])
    finished.wait()
    dead = tmp_folder / f"{scratch.FOLDER_PREFIX}{finished.pid}-abc"
    dead.mkdir()
    (dead / "lifeline_staged_x_0.db").write_bytes(b"x" * 1000)
    mine = tmp_folder / f"{scratch.FOLDER_PREFIX}{os.getpid()}-def"  # a live process's: kept
    mine.mkdir()
    unrelated = tmp_folder / "someone-else"
    unrelated.mkdir()
    open_store(f"sqlite:///{tmp_path / 'store.db'}").dispose()
    assert sorted(p.name for p in tmp_folder.iterdir()) == sorted([mine.name, unrelated.name])


def _cli_import(db: str, path: Path, folder: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, TMPDIR=str(folder), COLUMNS="200", NO_COLOR="1")
    argv = [*lifeline_argv(), "--db", db, "import", str(path)]
    return subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_scratch(proc: subprocess.Popen[str], folder: Path, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if any(folder.glob(f"{scratch.FOLDER_PREFIX}*")):
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_real_import_interrupted_leaves_nothing(how: signal.Signals, tmp_path: Path, tmp_folder: Path) -> None:
    """The command, stopped while its scratch files exist: Ctrl-C cleans up at once, kill -9 at the next start."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(db).dispose()
    path = _line_list(tmp_path / "in", rows=60_000)  # over bulk_staged.MIN_ROWS: staged
    proc = _cli_import(db, path, tmp_folder)
    staged = _wait_for_scratch(proc, tmp_folder)
    if not staged:
        proc.kill()
        proc.communicate()
        pytest.fail("the import finished or stalled before it staged anything")
    proc.send_signal(how)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    if how == signal.SIGKILL:
        open_store(db).dispose()  # the next start
    else:
        assert "Traceback" not in err, err
    assert list(tmp_folder.glob(f"{scratch.FOLDER_PREFIX}*")) == []
