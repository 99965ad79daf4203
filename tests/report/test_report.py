"""The situation report: renders as HTML and PDF, holds the expected figures with sources, escapes text, RTL."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Engine, func, select

from lifeline.errors import UserError
from lifeline.report.build import build
from lifeline.report.render import to_html, to_pdf, write
from lifeline.store import schema
from tests.alerts import data

D0 = date(2024, 5, 1)


def _small_store(engine: Engine, crossing: str = "kerem-shalom") -> None:
    with engine.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(conn, ds, "un-list", data.every_day(D0, 20, crossing, 7))


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(path).pages)


def test_html_is_standalone_cited_and_escapes_untrusted_text(sqlite_store: Engine) -> None:
    _small_store(sqlite_store, crossing="<script>alert(1)</script>")
    with sqlite_store.connect() as conn:
        rep = build(conn, D0, D0 + timedelta(days=19), runs=20)
    html = to_html(rep)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<svg" in html and 'src="http' not in html and "<link" not in html  # charts inline, nothing fetched
    # 20 days x 7 trucks = 140, 7.0 per day = 1.4 % of the pre-war 500/day; cited [n] to the UNRWA file.
    assert "140" in html and "7.0 (1 %)" in html
    refs = {int(n) for n in re.findall(r'href="#ref-(\d+)"', html)}
    assert refs and all(f'id="ref-{n}"' in html for n in refs)
    assert "UNRWA line list" in html and "Sphere" in html


def test_pdf_renders_and_holds_the_figures(store: Engine, tmp_path: Path) -> None:
    _small_store(store)
    with store.connect() as conn:
        rep = build(conn, D0, D0 + timedelta(days=19), runs=20)
    out = write(rep, tmp_path / "sitrep.pdf")
    text = _pdf_text(out.read_bytes(), tmp_path)
    assert "Key figures" in text and "140" in text and "Appendix: methods and assumptions" in text
    assert "kg_per_pallet" in text and "requirement_kcal" in text  # assumptions listed with sources
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")], check=True, timeout=120)
        assert (tmp_path / "page-1.png").stat().st_size > 1000


def test_arabic_is_right_to_left(sqlite_store: Engine, tmp_path: Path) -> None:
    _small_store(sqlite_store)
    with sqlite_store.connect() as conn:
        rep = build(conn, D0, D0 + timedelta(days=19), lang="ar", runs=20)
    html = to_html(rep)
    assert '<html lang="ar" dir="rtl">' in html and "أرقام رئيسية" in html
    text = _pdf_text(to_pdf(html), tmp_path)
    assert "140" in text and "غزة" in text


def test_bad_requests_are_one_clear_error(sqlite_store: Engine, tmp_path: Path) -> None:
    with sqlite_store.connect() as conn, pytest.raises(UserError, match="no deliveries"):
        build(conn)
    _small_store(sqlite_store)
    with sqlite_store.connect() as conn:
        with pytest.raises(UserError, match="--lang"):
            build(conn, D0, D0, lang="fr")
        with pytest.raises(UserError, match="before"):
            build(conn, D0, D0 - timedelta(days=1))
        rep = build(conn, D0, D0 + timedelta(days=3), runs=5)
    with pytest.raises(UserError, match=r"\.pdf or \.html"):
        write(rep, tmp_path / "report.docx")


@pytest.mark.slow
def test_month_of_real_data_report_in_under_10_s(sqlite_store: Engine, shared, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from lifeline.alerts.evaluate import evaluate
    from lifeline.ingest.service import import_file

    for name in ("unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv"):
        import_file(sqlite_store, shared.file(name))
    try:
        from lifeline.reference.load import load_all

        load_all(sqlite_store)
    except ImportError:
        pass
    evaluate(sqlite_store)
    statement = tmp_path / "statement.txt"
    statement.write_text(
        "Gaza, 30 May 2024. Aid trucks per day fell from 176 between 1 April and 6 May to 58 per day "
        "between 7 and 28 May.\n"
    )
    started = time.monotonic()
    with sqlite_store.connect() as conn:
        rep = build(conn, date(2024, 5, 1), date(2024, 5, 31), claims=[statement])
    pdf = write(rep, tmp_path / "may.pdf")
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"a month's report took {elapsed:.1f} s"
    with sqlite_store.connect() as conn:
        d = schema.deliveries
        unrwa_may = conn.execute(
            select(func.sum(d.c.trucks)).where(
                d.c.series == "unrwa-commodities-received",
                d.c.withdrawn_dataset_id.is_(None),
                d.c.date.between(date(2024, 5, 1), date(2024, 5, 31)),
            )
        ).scalar_one()
    text = _pdf_text(pdf.read_bytes(), tmp_path)
    assert f"{unrwa_may:,.0f}" in text  # the UNRWA total for May, computed here independently
    assert "crossing-gap/rafah/2024-05-05/unrwa-commodities-received" in text.replace("\n", "")
    assert "https://www.unrwa.org" in text.replace("\n", "")
    claims = next(s for s in rep.sections if s.title == "Claims checked")
    assert claims.tables and {row[3] for row in claims.tables[0].rows} <= {
        "consistent",
        "overstated",
        "understated",
        "contradicted",
        "no data",
        "not checkable",
    }
    assert claims.tables[0].refs  # the evidence behind each verdict is cited


def test_report_names_the_cap_and_the_two_kcal_series(sqlite_store: Engine) -> None:
    _small_store(sqlite_store)
    with sqlite_store.connect() as conn:
        html = to_html(build(conn, D0, D0 + timedelta(days=19), runs=5))
    assert "consumption cap (" in html
    assert "kcal entering/person/day" in html and "kcal available/person/day" in html


def test_unrwa_trucks_after_6_may_are_flagged_as_rows(sqlite_store: Engine) -> None:
    _small_store(sqlite_store)
    with sqlite_store.connect() as conn:
        html = to_html(build(conn, D0, D0 + timedelta(days=19), runs=5))
    assert "rows, not truckloads (unrwa-row-is-one-truck)" in html
    assert "ASSUMPTION unrwa-row-is-one-truck" in html
    with sqlite_store.connect() as conn:
        early = to_html(build(conn, D0, D0 + timedelta(days=4), runs=5))
    assert "unrwa-row-is-one-truck" not in early
