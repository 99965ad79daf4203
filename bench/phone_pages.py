"""Page heights and table fit of the web pages at a phone's and a desktop's width, in English and Arabic.

Serves the demo store (the real UNRWA and COGAT lists from ../shared/data, `lifeline.cli.serve.build_demo`)
on a loopback port, opens every page in Debian's Chromium (Playwright) and prints, per page, width and
language: the page's height, its width beyond the viewport (sideways scroll) and the tallest table row,
side by side with the baseline recorded in docs/web.md before the tables stacked on a phone.

    .venv/bin/python bench/phone_pages.py [--widths 390,1440] [--shots DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import SHARED_DATA  # noqa: E402

PAGES = {"overview": "/", "access": "/access", "coverage": "/coverage", "sources": "/sources", "map": "/map",
         "data": "/data"}
LISTS = ("unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv")
# The Overview's height at 390 px measured in the session before the stacked tables (docs/web.md).
BASELINE = {("overview", 390, "en"): 4715, ("overview", 390, "ar"): 4552}
CHROMIUM = "/usr/bin/chromium"
MEASURE = """() => ({height: document.documentElement.scrollHeight,
    sideways: document.documentElement.scrollWidth - window.innerWidth,
    tallest_row: Math.max(0, ...Array.from(document.querySelectorAll('.table-wrap tbody tr'))
                               .map(r => r.getBoundingClientRect().height)),
    tables: document.querySelectorAll('.table-wrap table').length})"""


def serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    from lifeline.cli.serve import build_demo
    from tests.web.live import free_port

    data = folder / "data"
    data.mkdir()
    for name in LISTS:
        (data / name).symlink_to(SHARED_DATA / name)
    url = f"sqlite:///{folder / 'phone.db'}"
    build_demo(url, data, say=lambda _msg: None)
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("lifeline")), "--db", url, "serve", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            env=os.environ | {"LIFELINE_DB": url})
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="390,1440")
    parser.add_argument("--shots", type=Path, help="save a full-page screenshot of each page here")
    args = parser.parse_args()
    missing = [n for n in LISTS if not (SHARED_DATA / n).exists()]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)} in {SHARED_DATA}")
    from playwright.sync_api import sync_playwright

    widths = [int(w) for w in args.widths.split(",")]
    with tempfile.TemporaryDirectory(prefix="lifeline-phone-") as tmp:
        proc, base = serve(Path(tmp))
        rows = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                for width in widths:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    page.set_default_timeout(180_000)  # a first answer is computed on a shared machine
                    for lang in ("en", "ar"):
                        for name, path in PAGES.items():
                            for _ in range(10):  # a first answer still being computed: the server says retry
                                page.goto(f"{base}{path}?lang={lang}", wait_until="networkidle")
                                if "still being computed" not in page.inner_text("body")[:300]:
                                    break
                                time.sleep(30)
                            got = page.evaluate(MEASURE)
                            if args.shots:
                                args.shots.mkdir(parents=True, exist_ok=True)
                                page.screenshot(path=str(args.shots / f"{name}-{width}-{lang}.png"), full_page=True)
                            rows.append((name, width, lang, got))
                    page.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"{'page':<10} {'width':>5} {'lang':<4} {'height px':>9} {'baseline':>9} {'sideways':>8} "
          f"{'tallest row':>11} {'tables':>6}")
    for name, width, lang, got in rows:
        base_h = BASELINE.get((name, width, lang))
        print(f"{name:<10} {width:>5} {lang:<4} {got['height']:>9,} {f'{base_h:,}' if base_h else '–':>9} "
              f"{got['sideways']:>8} {round(got['tallest_row']):>11} {got['tables']:>6}")


if __name__ == "__main__":
    main()
