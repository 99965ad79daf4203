"""Topic words that make a figure "not checkable" (casualties, hunger, malnutrition, trucks waiting) match as
whole words only, never inside a longer word, in English and in Arabic, where the attached prefixes (و ف، ب ل
ك، ال، لل) and endings (tanwin, plurals, pronouns) are part of the word and anything else is another word."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from lifeline.claims.check import check_document
from lifeline.claims.rules import load_rules

EN = "GAZA, 20 May 2024 - "
AR = "غزة، 20 أيار/مايو 2024 - "


def _read(engine: Engine, text: str) -> tuple[list[str], list[str]]:
    with engine.connect() as conn:
        report = check_document(conn, text)
    return [c.indicator for c in report.claims], [n.reason for n in report.not_checkable]


@pytest.mark.parametrize(
    "text",
    [
        EN + "Ahead of the deadline, 300 trucks entered Gaza on 19 May.",  # dead
        EN + "As analysts studied the figures, 200 trucks a day entered Gaza in the past week.",  # died
        EN + "Dismissing the criticism, COGAT said 250 trucks entered Gaza yesterday.",  # missing
        EN + "UN bodies say 150 trucks a day entered Gaza last week.",  # bodies, of the UN
        EN + "Unkillable rumours aside, 180 trucks entered Gaza on 19 May.",  # kill
        AR + "بالرجوع إلى السجلات، دخلت 200 شاحنة إلى غزة يوم 19 أيار.",  # جوع inside رجوع
        AR + "دون تجريح أحد، دخلت 200 شاحنة إلى غزة يوم 19 أيار.",  # جريح inside تجريح
    ],
)
def test_a_topic_word_inside_another_word_is_not_the_topic(reference_store: Engine, text: str) -> None:
    indicators, reasons = _read(reference_store, text)
    assert indicators and indicators[0].startswith("trucks"), (indicators, reasons)
    assert not reasons


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (EN + "At least 35 children have starved in the north.", "hunger"),
        (EN + "More than 200 trucks are awaiting entry at Kerem Shalom.", "trucks waiting"),
        (EN + "Some 50 trucks are stuck at the crossing.", "trucks waiting"),
        (EN + "Over 40 people were killed near the crossing.", "casualties"),
        (EN + "Some 300,000 people are food-insecure in the north.", "hunger"),
        (AR + "توفي 20 شخصا بالجوع في الشمال.", "hunger"),  # ب + ال
        (AR + "يتعرض 300 ألف شخص للمجاعة في الشمال.", "hunger"),  # لل
        (AR + "قال المكتب إن 30 شخصا استشهدوا أمس في رفح.", "casualties"),  # ending وا
        (AR + "ارتفع عدد الشهداء والجرحى إلى 500 في رفح.", "casualties"),  # و + ال
        (AR + "يعاني 50 ألف طفل من سوء التغذية في الشمال.", "malnutrition"),
    ],
)
def test_the_topic_word_itself_makes_the_figure_not_checkable(reference_store: Engine, text: str, topic: str) -> None:
    indicators, reasons = _read(reference_store, text)
    assert not indicators, (indicators, reasons)
    assert len(reasons) == 1 and topic in reasons[0], reasons


@pytest.mark.parametrize(
    ("word", "reason"),
    [("والجوع", "hunger"), ("فبالمجاعة", "hunger"), ("جوعاً", "hunger"), ("للجرحى", "casualties"),
     ("الأسرى", "casualties"), ("رجوع", None), ("الرجوع", None), ("تجريح", None), ("جوعان", None),
     ("deadline", None), ("studied", None), ("dismissing", None), ("dead", "casualties"), ("Starvation", "hunger"),
     ("malnourished", "malnutrition"), ("queueing", "trucks waiting")],
)
def test_each_word_alone(word: str, reason: str | None) -> None:
    rules = load_rules()
    found = [r for r, pat in rules.unsupported_topics if pat.search(f"… {word} …")]
    assert bool(found) == (reason is not None) and (reason is None or reason in found[0]), (word, found)
