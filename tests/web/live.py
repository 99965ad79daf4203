"""A real `lifeline serve` over the real line lists, and Debian's Chromium driving it (shared by the browser tests:
the store is built once for the package)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from lifeline.accounts import add_user
from lifeline.cli.serve import build_demo
from lifeline.store.engine import open_store
from tests.conftest import ROOT, shared_file
from tests.web.helpers import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
LIFELINE = Path(sys.executable).with_name("lifeline")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_store(folder: Path, files: list[Path]) -> str:
    """A SQLite store in ``folder`` built as `lifeline demo` builds one from ``files`` (linked, not copied)."""
    data = folder / "data"
    data.mkdir()
    for f in files:
        (data / f.name).symlink_to(f)
    url = f"sqlite:///{folder / 'demo.db'}"
    build_demo(url, data, say=lambda _msg: None)
    return url


@pytest.fixture(scope="package")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`lifeline serve` on a free loopback port over a store with the real line lists."""
    files = [shared_file("unrwa-commodities-received-20241111.csv"), shared_file("cogat-gaza-aid-data-20240924.csv")]
    url = demo_store(tmp_path_factory.mktemp("live"), files)
    engine = open_store(url)
    with engine.begin() as conn:
        add_user(conn, "editor1", "editor", PASSWORD)
    engine.dispose()
    port = free_port()
    env = os.environ | {"LIFELINE_DB": url,
                        "LIFELINE_STUDY_WORKBOOK": str(shared_file("lshtm-gaza_food_data-journal-20250508.xlsx"))}
    proc = subprocess.Popen([str(LIFELINE), "--db", url, "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def open_page(browser: Any, width: int = 1280, height: int = 900) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": width, "height": height})
    # the first coverage page runs its Monte Carlo on a shared machine; 30 s is not always enough
    page.set_default_timeout(120_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return page, problems


