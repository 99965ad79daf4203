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
from lifeline.report.render import to_html, write
from lifeline.store import queries_web
from tests.conftest import ROOT

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
            # 30 days of September (COGAT's list ends on the 17th) and two days of May: the layout, not the
            # figures, is under test, so fewer Monte Carlo runs.
            for name, (a, b) in OTHER_WINDOWS.items():
                rep = build(conn, a, b, lang=lang, runs=50)
                out[name, lang] = rep, write(rep, folder / f"{name}-{lang}.pdf")
        out["year"] = build(conn, date(2023, 10, 1), date(2024, 9, 30), runs=20)
    return out


OTHER_WINDOWS = {"september": (date(2024, 9, 1), date(2024, 9, 30)), "two-days": (date(2024, 5, 14), date(2024, 5, 15))}


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


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("window", list(OTHER_WINDOWS))
def test_other_windows_keep_to_three_to_five_pages(may: dict[str, Any], window: str, lang: str) -> None:
    rep, pdf = may[window, lang]
    pages = _pages(pdf, may["folder"])
    assert 3 <= len(pages) <= 5, f"{window}: {len(pages)} pages"
    assert rep.references and all(k["refs"] for k in rep.key_figures)  # no figure loses its source


def test_september_says_cogat_stops_on_the_17th(may: dict[str, Any]) -> None:
    """By day, the COGAT line ends on 17 September and a footnote says how much of the window it covers."""
    rep, _ = may["september", "en"]
    access = next(s for s in rep.sections if s.charts and s.charts[0][0].startswith("Trucks"))
    assert "partial: COGAT 2024-09-01 – 2024-09-30, 17 of 30 days, data to 2024-09-17" in access.chart_notes


def test_a_year_by_month_marks_october_2023_and_cogat_september_2024_partial(may: dict[str, Any]) -> None:
    """The months the issue names: October 2023 (lists from the 21st) and COGAT's September 2024 (to the 17th)
    are hollow markers with their footnotes, not drops."""
    rep = may["year"]
    access = next(s for s in rep.sections if s.charts and s.charts[0][0].startswith("Trucks"))
    notes = access.chart_notes
    assert "partial: COGAT 2023-10, 11 of 31 days, data from 2023-10-21" in notes
    assert "partial: UNRWA 2023-10, 11 of 31 days, data from 2023-10-21" in notes
    assert "partial: COGAT 2024-09, 17 of 30 days, data to 2024-09-17" in notes
    assert access.charts[0][1].count('class="partial"') == 3
    html = to_html(rep)
    assert "partial period (see note)" in html


ENGLISH_RULES = re.compile(r"\b(crossing gap|trucks low|coverage low|crossing closed|sources diverge|facilities "
                           r"worse|revision)\b", re.I)


def test_arabic_sitrep_names_rules_and_headers_in_arabic(may: dict[str, Any]) -> None:
    """The Arabic PDF names no alert rule in English, and every table header, alert cell of Lifeline's own
    wording (rule, state) and note reads in Arabic; data (publishers, source titles, URLs) may stay as published."""
    rep, pdf = may["ar"]
    text = _text(pdf)
    text = text[: text.rfind("المراجع")]  # the references: sources' own titles, as published
    assert not ENGLISH_RULES.search(text), ENGLISH_RULES.findall(text)
    arabic = re.compile(r"[\u0600-\u06ff]")
    headers = [c for sec in [*rep.sections, rep.appendix] for tb in sec.tables for c in tb.columns]
    assert headers and not [h for h in headers if not arabic.search(h) and not re.fullmatch(r"[A-Z /]+", h)]
    alerts = [tb for sec in rep.sections for tb in sec.tables if tb.title == "التنبيهات الصادرة"]
    assert alerts and alerts[0].rows
    assert all(arabic.search(row[0]) and arabic.search(row[2]) for row in alerts[0].rows)
    en_rep, _ = may["en"]
    assert not {h for h in headers if arabic.search(h) is None} & {"rule", "state", "crossing", "trucks"}
    assert en_rep.map_caption.startswith("Crossings by status (schematic") and "مخطط" in rep.map_caption


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _flat_text(pdf: Path) -> str:
    """The PDF's text in reading order (pdftotext, no layout), bidi controls and line breaks taken out."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return BIDI_CONTROLS.sub("", text)


def _reversed_runs(text: str) -> list[str]:
    """Percentages read "% 45" and dates "06-05-2024": left-to-right runs reordered by the Arabic around them."""
    return re.findall(r"(?<![\d,.])%\s?\d+(?![\d,.%])|\b\d{2}-\d{2}-\d{4}\b", text)


def test_arabic_pdf_keeps_percentages_and_dates_in_order_and_urls_whole(may: dict[str, Any]) -> None:
    """WeasyPrint ignores <bdi> and unicode-bidi: isolate; the isolate characters the sitrep writes around
    each left-to-right run (render.isolate_runs) keep "45 %" and "2024-05-06" in order in the PDF's text, and
    each reference's URL is isolated whole. The same report laid out without them shows the reversals, so the
    check can tell the two apart."""
    from lifeline.i18n.wording import LRI, PDI
    from lifeline.report.render import _env, to_pdf

    rep, pdf = may["ar"]
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(ROOT / "test-artifacts" / "sitrep-ar-isolated")], check=True)
    text = _flat_text(pdf)
    assert re.search(r"\d+ %", text) and re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not _reversed_runs(text), _reversed_runs(text)[:5]
    html = to_html(rep)
    urls = [s["url"] for s in rep.references if s.get("url")]
    assert urls and all(LRI + u + PDI in html for u in urls), [u for u in urls if LRI + u + PDI not in html]
    bare = may["folder"] / "bare-ar.pdf"
    bare.write_bytes(to_pdf(_env.get_template("sitrep.html.j2").render(r=rep)))
    assert _reversed_runs(_flat_text(bare)), "without the isolates nothing reverses: the check proves nothing"


# Notes that quote an English-language source as published (an assumption's sourcing text, marked "as stated in
# the source", and a stated need's report title), and the north share's sourcing, still written only in English in
# lifeline/assumptions/data/ (not yet translated: named here so the gap stays visible).
QUOTED_NOTES = re.compile(r"<p[^>]*>(?:(?!</p>).)*(?:كما ورد في المصدر|الحاجة المعلنة:|حصة الشمال:)(?:(?!</p>).)*</p>",
                          re.S)


def test_arabic_sitrep_holds_no_english_beyond_codes_units_and_quoted_sources(may: dict[str, Any]) -> None:
    """The Arabic sitrep's HTML (the PDF's source) as the pages are checked (tests/web/visible.py): every heading,
    key figure, bullet, table, legend and note in Arabic; source titles and codes marked as data."""
    from tests.web.visible import english_words

    rep, _ = may["ar"]
    html = to_html(rep)
    left = english_words(QUOTED_NOTES.sub("", html))
    assert not left, f"English left in the Arabic sitrep: {left[:8]}"
    assert 'translate="no"' in html.split('class="references"', 1)[1]  # the sources' titles are data
