"""The Coverage page's studies table: published figure, Lifeline's, difference, tolerance and a flag per
row, with the studies' reproduction rows apart from the step-by-step decomposition."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from lifeline.api.app import create_app
from lifeline.api.settings import Settings
from lifeline.assumptions import load_set
from lifeline.ingest.service import import_file
from tests.conftest import shared_file
from tests.web.helpers import url_of

pytestmark = pytest.mark.slow


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_coverage_studies_table_shows_tolerance_flags_and_sections(sqlite_store: Engine) -> None:
    workbook = shared_file("lshtm-gaza_food_data-v1-20241016.xlsx")
    rules = load_set("normalisation")
    import_file(sqlite_store, shared_file("unrwa-commodities-received-20240911.xlsx"), rules=rules)
    import_file(sqlite_store, shared_file("cogat-gaza-aid-data-20240924.csv"), rules=rules)
    settings = Settings(db_url=url_of(sqlite_store), secret_key="t", warm=False, study_workbook=str(workbook))
    with TestClient(create_app(settings, sqlite_store)) as client:
        html = client.get("/coverage").text
    block = html[html.index('id="block-studies"') :]
    block = block[: block.index("</section>")]
    head = re.sub(r"<[^>]+>", "|", block[block.index("<thead>") : block.index("</thead>")])
    for heading in ("section", "paper", "Lifeline", "difference %", "tolerance %", "flag"):
        assert f"|{heading}|" in head, head
    rows = [_cells(r) for r in re.findall(r"<tr>(.*?)</tr>", block[block.index("<tbody>") :], re.S)]
    sections = [r[0] for r in rows]
    first_step = sections.index("decomposition: Study A to Study B")
    assert {"reproduction: Study A", "reproduction: Study B"} <= set(sections[:first_step])
    assert all(s.startswith("decomposition") for s in sections[first_step:])
    compared = [r for r in rows if r[0].startswith("reproduction") and r[6]]
    assert len(compared) >= 30
    for r in compared:
        paper, diff, tol, flag = r[2], float(r[5].replace(",", "")), float(r[6].replace(",", "")), r[7]
        assert paper, r
        assert flag == ("outside tolerance" if abs(diff) > tol else "within tolerance"), r
    assert all(r[2] == "" and r[7] == "" for r in rows[first_step:])
