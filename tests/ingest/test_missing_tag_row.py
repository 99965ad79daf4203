"""A plain CSV given as HXL is refused with what is missing: the hashtag row, where it was looked for, and a
row of tags for its own columns (unseen round 6, finding 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lifeline.errors import BadFile
from lifeline.ingest.service import parse


def test_plain_csv_as_hxl_names_the_missing_hashtag_row_and_shows_one(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("date,crossing,item,tonnes,trucks,remarks\n2025-02-01,Mellit Road,wheat flour,40,4,ok\n",
                    encoding="utf-8")
    with pytest.raises(BadFile) as caught:
        parse(path, "hxl")
    text = str(caught.value)
    assert "hashtag row is missing" in text and "first 5 rows" in text, text
    assert "#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#indicator+num+trucks,#?" in text, text
    assert "(date, crossing, item, tonnes, trucks, remarks)" in text
