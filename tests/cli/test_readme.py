"""Every command of README.md runs as written: the command-line walk-through in a temporary folder
against a temporary store, and ``make demo`` started on a loopback port, asked for its health, and
stopped, leaving no temporary store behind. (``make test`` runs the whole suite and is the one
README command not run from here.)"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.cli.helpers import ROOT
from tests.conftest import SHARED_DATA, shared_file

README = ROOT / "README.md"
NOT_RUN_HERE = ("make test",)  # the whole suite, from inside the suite


def sh_blocks() -> list[list[str]]:
    """The command lines of each ```sh block (comments stripped, blank lines dropped)."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return [[line.split("  #")[0].rstrip() for line in block.splitlines() if line.strip()] for block in blocks]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_readme_has_the_blocks_this_test_runs() -> None:
    blocks = sh_blocks()
    assert any(line.startswith("make demo") for block in blocks for line in block)
    assert any(line.startswith("L=.venv/bin/lifeline") for block in blocks for line in block)
    runnable = {line.split()[0] for block in blocks for line in block}
    assert runnable <= {"make", "L=.venv/bin/lifeline", "$L", "echo"}, runnable


@pytest.mark.slow
def test_every_command_line_of_the_readme_runs_as_written(tmp_path: Path) -> None:
    shared_file("unrwa-commodities-received-20241111.xlsx")
    work = tmp_path / "work"
    work.mkdir()
    (work / ".venv").symlink_to(ROOT / ".venv")  # the README's `.venv/bin/lifeline`
    (tmp_path / "shared").symlink_to(SHARED_DATA.parent)  # and its `../shared/data`
    (work / "docs").symlink_to(ROOT / "docs")  # the worked example's files
    blocks = [b for b in sh_blocks() if b[0].startswith("L=")]
    script = "set -euo pipefail\ntrap 'echo \"README command failed: $BASH_COMMAND\" >&2' ERR\n" + "\n".join(
        line for block in blocks for line in block)
    env = dict(os.environ, LIFELINE_DB=f"sqlite:///{tmp_path / 'store.db'}", COLUMNS="120")
    done = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (work / "sitrep.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_make_demo_serves_on_the_port_given_and_removes_its_store_when_stopped(tmp_path: Path) -> None:
    demo_line = next(line for b in sh_blocks() for line in b if line.startswith("make demo"))
    assert demo_line.split() == ["make", "demo"]
    port = _free_port()
    env = dict(os.environ, TMPDIR=str(tmp_path))
    env.pop("LIFELINE_DB", None)
    proc = subprocess.Popen(["make", "demo", f"PORT={port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        answered = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
                    answered = r.status
                    break
            except OSError:
                time.sleep(1)
        assert answered == 200, proc.stdout.read() if proc.poll() is not None and proc.stdout else "no answer"
        assert list(tmp_path.glob("lifeline-demo-*")), "the demo store was not where TMPDIR says"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=60)[0]
    assert not list(tmp_path.glob("lifeline-demo-*")), output[-2000:]
    assert "removed the demo store" in output
