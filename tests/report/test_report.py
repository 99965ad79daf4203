"""The situation report: renders as HTML and PDF, holds the expected figures with sources, escapes text, RTL."""

from __future__ import annotations

import re
import shutil
import subprocess
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
    # 20 days x 7 trucks = 140, cited [n] to the UNRWA file; trucks per day are a key figure only for a complete
    # month (the Overview's and `lifeline access --show throughput`'s), and 20 days of one month are none.
    assert "140" in html and "trucks per day in the month from" not in html
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
def test_month_of_real_data_report(sqlite_store: Engine, shared, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
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
    with sqlite_store.connect() as conn:
        rep = build(conn, date(2024, 5, 1), date(2024, 5, 31), claims=[statement])
    pdf = write(rep, tmp_path / "may.pdf")
    # Its build and PDF times are measured by bench/warning.py (docs/performance.md), not asserted here.
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
    flat = text.replace("\n", "")
    assert "crossing-gap.rafah" not in flat and "Rafah crossing" in flat  # the alert by its place, never its key
    assert "https://www.unrwa.org" in text.replace("\n", "")
    claims = next(s for s in rep.sections if s.title == "Claims checked")
    from lifeline.claims.report import VERDICTS  # the checker's own list, never a copy kept here

    assert claims.tables and {row[3] for row in claims.tables[0].rows} <= set(VERDICTS) | {"not checkable"}
    assert claims.tables[0].refs  # the evidence behind each verdict is cited


def test_access_timeline_shows_status_basis_and_na_where_a_source_has_no_crossing(sqlite_store: Engine) -> None:
    """The weekly table tells a reported opening from one inferred from entries, and a source without a
    crossing breakdown (COGAT's land rows) reads "n/a" with its reason, never 0 or a bare dash."""
    from sqlalchemy import update

    with sqlite_store.begin() as conn:
        un = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(conn, un, "un-list", data.every_day(D0, 14, "kerem-shalom", 7))
        cogat = data.dataset(conn, "cogat-list", "COGAT")
        data.deliveries(conn, cogat, "cogat-list", [(D0 + timedelta(days=i), None, 50.0) for i in range(14)])
        conn.execute(update(schema.deliveries).values(route="land"))
        data.observation(conn, un, "crossing_status", "kerem-shalom", D0, text="open")
    with sqlite_store.connect() as conn:
        rep = build(conn, D0, D0 + timedelta(days=13), runs=20)
    table = next(tb for s in rep.sections for tb in s.tables if tb.title.startswith("Access timeline"))
    assert "days open reported" in table.columns and "days open entries" in table.columns
    assert "days closed" in table.columns and "days unknown" in table.columns
    cogat_at = table.columns.index("COGAT trucks")
    ks = [r for r in table.rows if r[0] == "kerem-shalom"]
    assert ks and all(r[cogat_at] == "n/a" for r in ks)
    assert any(n.startswith("n/a: ") and "COGAT: gives no crossing for its land entries" in n for n in table.notes)
    # One row per crossing over the period: the sum of the weeks `lifeline access --by week` lists, so a reported
    # opening (1 May, standing 14 days) is told from days inferred from entries.
    from lifeline.model import access

    with sqlite_store.connect() as conn:
        weeks = [r for r in access.timeline(conn, D0, D0 + timedelta(days=13), by="week").rows
                 if r["crossing"] == "kerem-shalom" and r["level"] == "crossing"]
    assert len(ks) == 1
    for key in ("days_open_reported", "days_open_entries"):
        assert ks[0][table.columns.index(key.replace("_", " "))] == f"{sum(w[key] for w in weeks):,}"
    assert sum(w["days_open_reported"] for w in weeks) > 0


def test_crossings_table_reads_na_where_a_source_counts_no_trucks(sqlite_store: Engine) -> None:
    """COGAT's airdrop rows carry tonnes but no truck count: the crossings table says n/a, not "0 trucks"."""
    with sqlite_store.begin() as conn:
        un = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(conn, un, "un-list", data.every_day(D0, 10, "kerem-shalom", 7))
        cogat = data.dataset(conn, "cogat-list", "COGAT")
        data.deliveries(conn, cogat, "cogat-list", [(D0 + timedelta(days=i), "airdrop", None, 5000.0)  # type: ignore[misc]
                                                    for i in range(0, 10, 3)])
    with sqlite_store.connect() as conn:
        rep = build(conn, D0, D0 + timedelta(days=9), runs=20)
    table = next(tb for s in rep.sections for tb in s.tables if tb.columns[:3] == ["crossing", "source", "trucks"])
    airdrop = next(r for r in table.rows if r[0] == "airdrop" and r[1] == "COGAT")
    assert airdrop[2] == "n/a"
    assert next(r for r in table.rows if r[0] == "kerem-shalom")[2] == "70"
    assert any("COGAT at airdrop" in n for n in table.notes)


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
