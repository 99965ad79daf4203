"""The gazetteer (store locations + crossing aliases, English and Arabic) and rule overrides: every
tolerance is a named assumption a user can change with a TOML file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.claims.check import check_document
from lifeline.claims.gazetteer import build
from lifeline.claims.rules import load_rules


@pytest.mark.parametrize(
    ("text", "code", "crossing_word"),
    [
        ("the Rafah crossing", "rafah", True),
        ("Karem Abu Salem", "kerem-shalom", False),
        ("Kerem Shalom", "kerem-shalom", False),
        ("the Gaza Strip", "gaza-strip", False),
        ("معبر رفح", "rafah", True),
        ("كرم أبو سالم", "kerem-shalom", False),
        ("Khan Younis", "PS-KYS", False),
        ("northern Gaza", "gaza-north", False),
        ("Erez West", "western-erez", False),
    ],
)
def test_names_and_aliases(reference_store: Engine, text: str, code: str, crossing_word: bool) -> None:
    rules = load_rules()
    with reference_store.connect() as conn:
        gaz = build(conn, rules.default_area, rules.default_area_names)
    (mention,) = gaz.find(f"It happened in {text} yesterday.")
    assert mention.pick(prefer_crossing=crossing_word).code == code


def test_rafah_is_the_town_for_people_and_the_crossing_for_trucks(reference_store: Engine) -> None:
    text = "GAZA, 7 May 2024 - About 1.4 million people are in Rafah. The Rafah crossing is closed."
    with reference_store.connect() as conn:
        report = check_document(conn, text)
    assert [(c.indicator, c.area) for c in report.claims] == [("population", "PS-RFH"), ("crossing_status", "rafah")]


def test_tolerance_is_an_overridable_assumption(reference_store: Engine, tmp_path: Path) -> None:
    text = "GAZA, 14 May 2024 - Since 6 May, 500,000 people have been displaced from Rafah."
    with reference_store.connect() as conn:
        default = check_document(conn, text)
        override = tmp_path / "strict.toml"
        override.write_text("[tolerances]\nfled = 0.05\n")
        strict = check_document(conn, text, rules=load_rules([override]))
    assert default.claims[0].verdict == "consistent"  # 450,000 within 15 %
    assert default.claims[0].tolerance["value"] == 0.15
    assert strict.claims[0].verdict == "overstated"
    assert strict.claims[0].tolerance["value"] == 0.05


def test_an_empty_store_says_what_to_load(sqlite_store: Engine) -> None:
    with sqlite_store.connect() as conn:
        report = check_document(conn, "GAZA, 14 May 2024 - About 450,000 people have fled Rafah in the past week.")
    assert [c.verdict for c in report.claims] == ["no data"]
    assert any("lifeline reference load" in n for n in report.as_dict()["notes"])
