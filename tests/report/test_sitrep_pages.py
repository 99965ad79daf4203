"""The sitrep as an information officer would send it, read through what a reader sees: the PDF's pages as
images (pdftoppm) and its visible text (pdftotext), in English and Arabic, for a month of the real lists."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.report.build import build
from lifeline.report.render import write
from lifeline.store import queries_web

pytestmark = pytest.mark.slow
URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def may(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """May 2024 from the real UNRWA and COGAT lists, the reference set and the alerts, in both languages."""
    from lifeline.alerts.evaluate import evaluate
    from lifeline.cli.serve import build_demo
    from lifeline.store.engine import connect
    from tests.conftest import SHARED_DATA, shared_file

    shared_file("unrwa-commodities-received-20241111.csv")
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) are not installed")
    folder = tmp_path_factory.mktemp("sitrep")
    url = f"sqlite:///{folder / 'demo.db'}"
    build_demo(url, SHARED_DATA, say=lambda _msg: None)
    engine: Engine = connect(url)
    evaluate(engine)
    out: dict[str, Any] = {"folder": folder}
    with engine.connect() as conn:
        out["codes"] = [r["code"] for r in queries_web.locations(conn)]
        for lang in ("en", "ar"):
            rep = build(conn, date(2024, 5, 1), date(2024, 5, 31), lang=lang)
            out[lang] = rep, write(rep, folder / f"may-{lang}.pdf")
    return out


def _pages(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / pdf.stem)], check=True)
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_internal_code_is_visible(may: dict[str, Any], lang: str) -> None:
    """Place codes, p-codes, alert keys and True/False never reach the page (URLs aside)."""
    rep, pdf = may[lang]
    text = URL.sub("", _text(pdf))
    flat = URL.sub("", text.replace("\n", ""))
    shown = [c for c in may["codes"] if "-" in c and re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    assert not shown, f"internal codes on the page: {shown}"
    assert not re.search(r"\b[a-z]+-[a-z]+/[a-z-]+/\d{4}-\d{2}-\d{2}", flat), "an alert key is shown"
    assert not re.search(r"\b(True|False)\b", text)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_page_one_is_the_message(may: dict[str, Any], lang: str) -> None:
    """Page 1: 5–8 template bullets each with its citations, the key figures and the map; claims only if asked."""
    rep, pdf = may[lang]
    assert 5 <= len(rep.bullets) <= 8 and all(b["refs"] for b in rep.bullets[:-1])
    assert rep.map_svg.startswith("<svg")
    assert not any(s.title in ("Claims checked", "الادعاءات التي جرى التحقق منها") for s in rep.sections)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout
    plain = re.sub("[\u202a-\u202e]", "", first)  # pdftotext wraps right-to-left runs in bidi controls
    assert re.search(r"\[\d+\]|\[\]\d+", plain), "no citation on page 1"
    assert ("Summary" if lang == "en" else "الملخص") in plain
    refs = [(s.get("publisher"), s.get("title"), s.get("url")) for s in rep.references]
    assert len(refs) == len(set(refs)), "a source cited twice"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_three_to_five_pages(may: dict[str, Any], lang: str) -> None:
    _, pdf = may[lang]
    pages = _pages(pdf, may["folder"])
    assert 3 <= len(pages) <= 5, f"{len(pages)} pages"
