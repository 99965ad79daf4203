"""Hostile and awkward input: a 10 MB text, HTML with scripts, PDFs with and without text, binary
files and over-long documents, each handled with a bounded cost or one clear line."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.claims import check_document
from lifeline.claims.documents import from_bytes, from_text, read_path
from lifeline.claims.highlight import highlight_html, page_html
from lifeline.errors import BadFile, UserError

STATEMENTS = Path(__file__).with_name("statements")


@pytest.mark.slow
def test_ten_megabytes_of_statements_is_bounded(reference_store: Engine) -> None:
    base = (STATEMENTS / "05-ngo-appeal.txt").read_text() + "\n\n"
    big = base * (10_000_000 // len(base))
    with reference_store.connect() as conn:
        t0 = time.perf_counter()
        report = check_document(conn, big)
        elapsed = time.perf_counter() - t0
    assert report.truncated
    assert len(report.claims) + len(report.not_checkable) == 5000
    assert elapsed < 60


def test_ten_megabytes_without_sentence_ends(reference_store: Engine) -> None:
    junk = "1, " * 3_400_000
    with reference_store.connect() as conn:
        t0 = time.perf_counter()
        report = check_document(conn, junk, date=date(2024, 5, 7))
        assert time.perf_counter() - t0 < 30
    assert report.truncated and not report.claims
    assert all(len(n.text) <= 2000 for n in report.not_checkable)


HOSTILE_HTML = """<!doctype html><html><head><title>Update &lt;script&gt;</title>
<script>document.write('<p>Only 1 truck a day entered</p>')</script><style>p{}</style></head>
<body onload="steal()"><p>GAZA, 8 May 2024 - About 1.4 million people are in Rafah.</p>
<p>A reader wrote &lt;script&gt;alert(1)&lt;/script&gt; and "quotes" &amp; more.</p>
<img src=x onerror="alert(2)"><iframe src="https://example.invalid"></iframe>
<noscript>3 million hidden</noscript></body></html>"""


def test_html_scripts_are_dropped_and_text_is_escaped(reference_store: Engine) -> None:
    doc = from_text(HOSTILE_HTML)
    assert doc.kind == "html"
    assert "document.write" not in doc.text and "steal" not in doc.text and "hidden" not in doc.text
    assert "<script>alert(1)</script>" in doc.text  # visible text, as the page showed it
    with reference_store.connect() as conn:
        report = check_document(conn, HOSTILE_HTML)
    assert [c.figure for c in report.claims] == ["About 1.4 million"]
    for html in (highlight_html(report), page_html(report)):
        assert "<script" not in html.lower()
        assert "onerror" not in html and "onload" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="claim v-consistent" data-claim="0"' in highlight_html(report)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def test_pdf_with_text_is_read(reference_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "statement.pdf"
    text = "GAZA, 19 May 2024 - Nearly 800,000 people have been displaced from Rafah since 6 May."
    path.write_bytes(_pdf(f"<p>{text}</p>"))
    doc = read_path(path)
    assert doc.kind == "pdf"
    with reference_store.connect() as conn:
        from lifeline.claims.check import check_parsed

        report = check_parsed(conn, doc)
    assert [(c.indicator, c.verdict) for c in report.claims] == [("fled", "consistent")]


def test_pdf_without_text_is_one_clear_error(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    with pytest.raises(BadFile, match="no text layer"):
        read_path(path)


def test_broken_pdf_binary_and_oversized_input(tmp_path: Path) -> None:
    with pytest.raises(BadFile, match="cannot read this PDF"):
        from_bytes(b"%PDF-1.7\n garbage garbage", "broken.pdf")
    with pytest.raises(BadFile, match="binary"):
        from_bytes(b"GAZA\x00\x01\x02 7 May 2024", "blob.bin")
    with pytest.raises(UserError, match="above the limit"):
        from_bytes(b"x" * 101, "big.txt", max_bytes=100)
    with pytest.raises(UserError, match="no such file"):
        read_path(tmp_path / "absent.txt")


def test_no_dateline_asks_or_says_to_pass_date(reference_store: Engine) -> None:
    with reference_store.connect() as conn:
        told = check_document(conn, "About 1.4 million people are in Rafah.")
    assert told.date is None and told.claims == []
    assert any(n.startswith("nothing checkable") and "--date" in n for n in told.notes)
    with reference_store.connect() as conn:
        report = check_document(conn, "About 1.4 million people are in Rafah.", ask=lambda: date(2024, 5, 7))
    assert report.date_basis == "asked" and report.date == date(2024, 5, 7)


def test_highlight_from_the_api_dict_matches_the_report(reference_store: Engine) -> None:
    with reference_store.connect() as conn:
        report = check_document(conn, HOSTILE_HTML)
    assert highlight_html(report.as_dict()) == highlight_html(report)
