"""Arabic counted nouns: every range of the rule, both genders, the dual's case, the wording tables filled
through it (pages, prose, sitrep) and no count left in a form that disagrees with its number."""

from __future__ import annotations

import json
import re

import pytest

from lifeline.i18n.counted import ENGLISH, NOUNS, Template, category, counted, fill, noun_after, plural
from lifeline.i18n.wording import FOLDER, prose


@pytest.mark.parametrize(("n", "kind"), [
    (0, "other"), (1, "one"), (2, "two"), (3, "few"), (7, "few"), (10, "few"), (11, "many"), (25, "many"),
    (99, "many"), (100, "other"), (101, "other"), (102, "other"), (103, "few"), (110, "few"), (111, "many"),
    (199, "many"), (200, "other"), (1000, "other"), (1003, "few"), (1011, "many"), (2.5, "other"), (-3, "few")])
def test_category_follows_the_last_two_digits(n: float, kind: str) -> None:
    assert category(n) == kind


@pytest.mark.parametrize(("n", "days", "trucks"), [
    (0, "0 يوم", "0 شاحنة"),
    (1, "يوم واحد", "شاحنة واحدة"),
    (2, "يومان", "شاحنتان"),
    (3, "3 أيام", "3 شاحنات"),
    (5, "5 أيام", "5 شاحنات"),
    (10, "10 أيام", "10 شاحنات"),
    (11, "11 يومًا", "11 شاحنة"),
    (45, "45 يومًا", "45 شاحنة"),
    (99, "99 يومًا", "99 شاحنة"),
    (100, "100 يوم", "100 شاحنة"),
    (102, "102 يوم", "102 شاحنة"),
    (105, "105 أيام", "105 شاحنات"),
    (115, "115 يومًا", "115 شاحنة"),
    ("1,388", "1,388 يومًا", "1,388 شاحنة"),
    ("1,400", "1,400 يوم", "1,400 شاحنة"),
    ("87.5", "87.5 يوم", "87.5 شاحنة"),
])
def test_counted_days_and_trucks(n: object, days: str, trucks: str) -> None:
    assert counted(n, "day") == days
    assert counted(n, "truck") == trucks


def test_the_dual_and_the_one_take_their_case() -> None:
    assert counted(2, "day", "gen") == counted(2, "day", "acc") == "يومين"
    assert counted(1, "day", "acc") == "يومًا واحدًا" and counted(1, "day", "gen") == "يوم واحد"
    assert counted(2, "alert") == "تنبيهان" and counted(2, "closure", "gen") == "حالتي إغلاق"
    with pytest.raises(ValueError):
        counted(2, "day", "dative")


def test_every_noun_has_all_its_forms_and_only_the_dual_and_one_drop_the_digits() -> None:
    for name, noun in NOUNS.items():
        for n in (3, 11, 100):
            assert counted(n, name).startswith(str(n) + " "), name
        assert not re.search(r"\d", counted(1, name) + counted(2, name)), name
        assert noun.few != noun.many, name  # the plural (3–10) is not the singular (11–99)


def test_fill_formats_like_str_format_and_counts_where_a_noun_is_named() -> None:
    assert fill("{a} / {b:>3}", a="x", b=7) == "x /   7"
    assert fill("عمرها {n:day}", n=2) == "عمرها يومان"
    assert fill("منذ {0:day+gen}", 2) == "منذ يومين"
    assert Template("{n:alert}").format(n=4) == "4 تنبيهات"


@pytest.mark.parametrize(("english", "arabic"), [
    ("No recorded entries at Kerem Shalom for 5 days (UNRWA)", "منذ 5 أيام"),
    ("No recorded entries at Kerem Shalom for 2 days (UNRWA)", "منذ يومين"),
    ("No recorded entries at Kerem Shalom for 14 days (UNRWA)", "منذ 14 يومًا"),
    ("No recorded entries at Kerem Shalom for 120 days (UNRWA)", "منذ 120 يومًا"),
    ("No recorded entries at Kerem Shalom for 200 days (UNRWA)", "منذ 200 يوم"),
    ("partial: 17 of 31 days in the window asked", "17 من 31 يومًا"),
    ("partial: 3 of 7 days in the window asked", "3 من 7 أيام"),
])
def test_prose_counts_agree(english: str, arabic: str) -> None:
    assert arabic in prose("ar", english), prose("ar", english)


def test_no_wording_table_puts_a_count_beside_a_fixed_noun() -> None:
    """A placeholder followed by a counted noun in a fixed form ("{n} يومًا", "{n} تنبيهات") disagrees with
    most numbers: every such place must name its noun instead."""
    from lifeline.report.i18n import TEXT

    texts = [v for v in json.loads((FOLDER / "ar.json").read_text(encoding="utf-8")).values()]
    spec = json.loads((FOLDER / "ar-prose.json").read_text(encoding="utf-8"))
    texts += [p["ar"] for p in spec["patterns"]] + list(spec["sentences"].values())
    texts += [v["ar"] for v in TEXT.values()]
    # ({s} is a source's name, "شاحنة/يوم" a unit)
    fixed = re.compile(r"\{(?!s\})\w*\} (?:يوم[اًًا]?|أيام|شاحنة|شاحنات|صف[اًًا]|صفوف|تنبيه[اًًا]?|تنبيهات|أسابيع|"
                       r"أسبوع[اًًا]?|معابر|تشغيلة|تقرير|حمولة|حالات|أشهر|شهر[اًًا]?|مصادر|شخص[اًًا]?)(?![/\w])")
    left = [t for t in texts if fixed.search(t)]
    assert not left, left


@pytest.mark.parametrize(("n", "noun"), [(0, "معبر"), (1, "معبر"), (2, "معبران"), (3, "معابر"), (10, "معابر"),
                                          (11, "معبرًا"), (100, "معبر"), (103, "معابر"), ("n/a", "معبر")])
def test_noun_after_a_figure_in_digits(n: object, noun: str) -> None:
    assert noun_after(n, "crossing") == noun


@pytest.mark.parametrize(("n", "said"), [(1, "1 restriction"), ("1", "1 restriction"), (0, "0 restrictions"),
                                         (2, "2 restrictions"), (1.5, "1.5 restrictions"),
                                         ("1,388", "1,388 restrictions"), ("n/a", "n/a restrictions")])
def test_english_plural(n: object, said: str) -> None:
    assert plural(n, "restriction") == said


def test_every_counted_noun_has_its_english() -> None:
    assert set(ENGLISH) == set(NOUNS)
    assert plural(1, "person") == "1 person" and plural(3, "person") == "3 people"


def test_english_templates_fill_in_english() -> None:
    from lifeline.report.i18n import translator

    t = translator("en")
    assert t("b_closures").format(n=1, r=1) == "1 closure and 1 restriction of a crossing were reported in the period."
    assert t("b_closures").format(n=0, r=3).startswith("0 closures and 3 restrictions ")
    assert fill("{n:alert}", n=1, lang="en") == "1 alert"
    assert "4 تنبيهات" in translator("ar")("b_alerts").format(n=4, open=1, resolved=3, rule="x")


def test_no_english_wording_pastes_a_count_before_a_fixed_plural() -> None:
    """"{n} restrictions" reads "1 restrictions" for one: every English count beside a noun names its noun."""
    from lifeline.report.i18n import TEXT

    texts = list(json.loads((FOLDER / "en.json").read_text(encoding="utf-8")).values())
    texts += [v["en"] for v in TEXT.values()]
    nouns = "|".join(sorted({many for _, many in ENGLISH.values()}, key=len, reverse=True))
    fixed = re.compile(r"\{\w*\} (?:" + nouns + r")\b")
    left = [t for t in texts if fixed.search(t)]
    assert not left, left
