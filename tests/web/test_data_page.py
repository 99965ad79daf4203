"""The Data page: each dataset's versions and what each version revised (rows added, changed, withdrawn and
the trucks, tonnes and kcal that moved), and, with ?context=, only that context's datasets, sources and
revisions."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from lifeline.model.dataset_versions import versions
from tests.contexts.conftest import served_two, two_contexts  # noqa: F401  (fixtures)
from tests.web.helpers import Served, serve, unrwa_csv


def _block(html: str, block: str) -> str:
    found = re.search(rf'<section class="block" id="block-{block}".*?</section>', html, flags=re.S)
    assert found, block
    return found.group(0)


def _rows(html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S) for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S)]


def test_each_version_says_what_it_revised(sqlite_store: Engine, tmp_path: Path) -> None:
    s = serve(sqlite_store, tmp_path)  # version 1 of unrwa-commodities-received: 12 rows over 6 days
    first = tmp_path / "unrwa-commodities-received-20240201.csv"
    rows = list(csv.reader(first.open(encoding="utf-8")))
    header, body = rows[0], rows[1:]
    qty = header.index("Quantity")
    body[0][qty] = str(int(body[0][qty]) * 3)  # one row changed: three times the pallets
    del body[1]  # one row withdrawn
    newer = tmp_path / "unrwa-commodities-received-20240301.csv"
    extra = list(csv.reader(unrwa_csv(tmp_path / "more.csv", days=1, start=date(2024, 1, 9),
                                      first_id=500).open(encoding="utf-8")))[1:]
    with newer.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *body, *extra])  # two rows added
    import_file(sqlite_store, newer, imported_by="test")

    with sqlite_store.connect() as conn:
        table = versions(conn)
    mine = [r for r in table.rows if r["series"] == "unrwa-commodities-received"]
    assert [r["version"] for r in mine] == [1, 2]
    v2 = mine[1]
    assert (v2["rows_imported"], v2["rows_changed"], v2["rows_withdrawn"]) == (2, 1, 1)
    assert v2["trucks_change"] == -1.0  # the withdrawn row's truck; the changed row is still one truck
    assert v2["periods_moved"] == 1
    assert mine[0]["rows_changed"] == 0 and mine[0]["trucks_change"] == 0.0

    html = s.client.get("/data").text
    block = _block(html, "versions")
    cells = [r for r in _rows(block) if "20240301" in "".join(r)]
    assert cells, block
    assert [c.strip() for c in cells[0][1:3]] == ["2", str(v2["id"])]
    assert "rows withdrawn" in block and "tonnes moved" in block
    arabic = _block(s.client.get("/data?lang=ar").text, "versions")
    assert "إصدارات" in arabic
    s.client.close()


def test_the_data_page_keeps_to_its_context(served_two: Served) -> None:  # noqa: F811
    zarqa = served_two.client.get("/data?context=XZ").text
    gaza = served_two.client.get("/data?context=gaza-strip").text
    every = served_two.client.get("/data").text
    for block in ("datasets", "versions", "revisions", "sources"):
        assert "gaza-deliveries" not in _block(zarqa, block) and "lifeline-reference" not in _block(zarqa, block)
        assert "3-deliveries" not in _block(gaza, block)
    assert "3-deliveries" in _block(zarqa, "datasets") and "gaza-deliveries" in _block(gaza, "datasets")
    assert "3-deliveries" in _block(every, "datasets") and "gaza-deliveries" in _block(every, "datasets")
