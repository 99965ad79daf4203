"""The situation report of one context in a store holding two: its own name, places, deliveries and
alerts; nothing of the other context anywhere in the HTML, in English or Arabic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.report.build import build
from lifeline.report.render import to_html
from tests.contexts.conftest import GAZA_MARKS, ZARQA_MARKS, Ran


def test_report_needs_a_context_beside_another(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn, pytest.raises(UserError, match="2 contexts"):
        build(conn, date(2025, 3, 1), date(2025, 3, 30), runs=1)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_context_report_shows_nothing_of_the_other(two_contexts: Engine, lang: str) -> None:
    with two_contexts.connect() as conn:
        zarqa = build(conn, date(2025, 3, 1), date(2025, 3, 30), lang=lang, runs=1, context="XZ")
        gaza = build(conn, date(2024, 5, 1), date(2024, 5, 2), lang=lang, runs=1, context="gaza-strip")
    # The appendix lists the assumptions with their sources, which cite the events that set them (Kerem
    # Shalom's closure in May 2024 for the status validity): a constant's citation, not a figure of Gaza.
    zarqa_html, gaza_html = (to_html(r).split(r.appendix.title)[0] for r in (zarqa, gaza))
    assert ("وادي الزرقاء" if lang == "ar" else "Zarqa Valley") in zarqa.title
    # Places are shown by name (codes never), in the report's language.
    middle, port = ("الزرقاء الوسطى", "ميناء النهر") if lang == "ar" else ("Middle Zarqa", "River Port")
    assert middle in zarqa_html and port in zarqa_html
    assert "XZ02" not in zarqa_html and "river-port" not in zarqa_html
    assert not [m for m in GAZA_MARKS if m in zarqa_html]
    assert not [m for m in ZARQA_MARKS if m in gaza_html]
    assert "500" not in " ".join(str(k["label"]) for k in zarqa.key_figures)  # no pre-war Gaza baseline


def test_cli_report_takes_context(two_contexts: Engine, lifeline: Callable[..., Ran], tmp_path: Path) -> None:
    out = tmp_path / "zarqa.html"
    ran = lifeline(two_contexts, "report", "--context", "XZ", "--from", "2025-03-01", "--to", "2025-03-30",
                   "--runs", "1", "-o", str(out))
    assert ran.returncode == 0, ran.stderr
    assert "Upper Zarqa" in out.read_text(encoding="utf-8") or "XZ01" in out.read_text(encoding="utf-8")
