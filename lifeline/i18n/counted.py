"""Counted nouns: the form a noun takes after a number, in Arabic ("5 أيام", not "5 يوماً") and in English
("1 restriction", "3 restrictions", never "1 restrictions").

Arabic chooses the counted noun's form by the number: 1 the singular with "واحد" after it, 2 the dual alone
(its case shows: "يومان" as a subject, "يومين" after a preposition or as an object), 3–10 the plural
(genitive), 11–99 the singular accusative ("يومًا"), 100, 200 … and 0 the singular genitive ("يوم"); above
100 the last two digits decide again (103 أيام، 111 يومًا، 101 يوم), as in CLDR's Arabic plural rules. A
fraction ("2.5") takes the singular genitive. Figures stay in Western digits (docs/web.md, "Arabic"), so the
polarity of the number words never arises.

English takes the singular for exactly 1 and the plural for every other count (0, 2, 1.5, "n/a").

Every template that puts a count beside a noun names its noun in the placeholder, ``{n:day}`` or
``{n:day+gen}`` (the case matters in Arabic only), and is filled by :func:`fill` in the template's language,
used by the pages' strings, the prose table (notes, alert and revision messages) and the sitrep. A
placeholder without a noun is filled as ``str.format`` would.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

CASES = ("nom", "acc", "gen")


@dataclass(frozen=True)
class Noun:
    """The forms of one counted noun (or noun phrase). ``one`` and ``one_acc`` hold the noun with its
    "one" ("يوم واحد", "يومًا واحدًا"); ``two`` / ``two_obl`` the dual as subject / after a preposition
    or as object; ``few`` the plural (3–10); ``many`` the accusative singular (11–99); ``other`` the genitive
    singular (0, 100, 101, 102 …, fractions)."""

    one: str
    one_acc: str
    two: str
    two_obl: str
    few: str
    many: str
    other: str


NOUNS: dict[str, Noun] = {
    "day": Noun("يوم واحد", "يومًا واحدًا", "يومان", "يومين", "أيام", "يومًا", "يوم"),
    "week": Noun("أسبوع واحد", "أسبوعًا واحدًا", "أسبوعان", "أسبوعين", "أسابيع", "أسبوعًا", "أسبوع"),
    "month": Noun("شهر واحد", "شهرًا واحدًا", "شهران", "شهرين", "أشهر", "شهرًا", "شهر"),
    "truck": Noun("شاحنة واحدة", "شاحنة واحدة", "شاحنتان", "شاحنتين", "شاحنات", "شاحنة", "شاحنة"),
    "truckload": Noun("حمولة شاحنة واحدة", "حمولة شاحنة واحدة", "حمولتا شاحنة", "حمولتي شاحنة",
                      "حمولات شاحنة", "حمولة شاحنة", "حمولة شاحنة"),
    "consecutive_week": Noun("أسبوع واحد", "أسبوعًا واحدًا", "أسبوعان متتاليان", "أسبوعين متتاليين",
                             "أسابيع متتالية", "أسبوعًا متتاليًا", "أسبوع متتالٍ"),
    "crossing": Noun("معبر واحد", "معبرًا واحدًا", "معبران", "معبرين", "معابر", "معبرًا", "معبر"),
    "alert": Noun("تنبيه واحد", "تنبيهًا واحدًا", "تنبيهان", "تنبيهين", "تنبيهات", "تنبيهًا", "تنبيه"),
    "source": Noun("مصدر واحد", "مصدرًا واحدًا", "مصدران", "مصدرين", "مصادر", "مصدرًا", "مصدر"),
    "row": Noun("صف واحد", "صفًا واحدًا", "صفان", "صفين", "صفوف", "صفًا", "صف"),
    "food_row": Noun("صف غذائي واحد", "صفًا غذائيًا واحدًا", "صفان غذائيان", "صفين غذائيين", "صفوف غذائية",
                     "صفًا غذائيًا", "صف غذائي"),
    "run": Noun("تشغيلة واحدة", "تشغيلة واحدة", "تشغيلتان", "تشغيلتين", "تشغيلات", "تشغيلة", "تشغيلة"),
    "closure": Noun("حالة إغلاق واحدة", "حالة إغلاق واحدة", "حالتا إغلاق", "حالتي إغلاق", "حالات إغلاق",
                    "حالة إغلاق", "حالة إغلاق"),
    "restriction": Noun("حالة تقييد واحدة", "حالة تقييد واحدة", "حالتا تقييد", "حالتي تقييد", "حالات تقييد",
                        "حالة تقييد", "حالة تقييد"),
    "report": Noun("تقرير واحد", "تقريرًا واحدًا", "تقريران", "تقريرين", "تقارير", "تقريرًا", "تقرير"),
    "later_report": Noun("تقرير لاحق واحد", "تقريرًا لاحقًا واحدًا", "تقريران لاحقان", "تقريرين لاحقين",
                         "تقارير لاحقة", "تقريرًا لاحقًا", "تقرير لاحق"),
    "person": Noun("شخص واحد", "شخصًا واحدًا", "شخصان", "شخصين", "أشخاص", "شخصًا", "شخص"),
    "area": Noun("منطقة واحدة", "منطقة واحدة", "منطقتان", "منطقتين", "مناطق", "منطقة", "منطقة"),
    "version": Noun("إصدار واحد", "إصدارًا واحدًا", "إصداران", "إصدارين", "إصدارات", "إصدارًا", "إصدار"),
    "dataset": Noun("مجموعة بيانات واحدة", "مجموعة بيانات واحدة", "مجموعتا بيانات", "مجموعتي بيانات",
                    "مجموعات بيانات", "مجموعة بيانات", "مجموعة بيانات"),
}

# The same nouns in English: (singular, plural). Every noun of NOUNS has its English (tests/web/test_counted.py).
ENGLISH: dict[str, tuple[str, str]] = {
    "day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months"),
    "truck": ("truck", "trucks"), "truckload": ("truckload", "truckloads"),
    "consecutive_week": ("consecutive week", "consecutive weeks"), "crossing": ("crossing", "crossings"),
    "alert": ("alert", "alerts"), "source": ("source", "sources"), "row": ("row", "rows"),
    "food_row": ("food row", "food rows"), "run": ("run", "runs"), "closure": ("closure", "closures"),
    "restriction": ("restriction", "restrictions"), "report": ("report", "reports"),
    "later_report": ("later report", "later reports"), "person": ("person", "people"),
    "area": ("area", "areas"), "version": ("version", "versions"), "dataset": ("dataset", "datasets"),
}

_NUMBER = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?")


def category(n: int | float) -> str:
    """The form a count takes: "one", "two", "few" (3–10), "many" (11–99), "other" (0, 100–102 …, fractions),
    decided by the last two digits above 100."""
    if n != int(n):
        return "other"
    whole = abs(int(n))
    if whole == 1:
        return "one"
    if whole == 2:
        return "two"
    last = whole % 100
    return "few" if 3 <= last <= 10 else "many" if 11 <= last <= 99 else "other"


def counted(value: object, noun: str, case: str = "nom") -> str:
    """``value`` (a number, or its text as the core wrote it: "1,388") with ``noun`` in the form Arabic gives
    it after that number. 1 and 2 are said by the noun alone ("يوم واحد", "يومان"); other counts keep their
    digits. A value that is not a number (a range, "n/a") is followed by the singular genitive."""
    forms = NOUNS[noun]
    if case not in CASES:
        raise ValueError(f"case must be one of {', '.join(CASES)}, got {case!r}")
    text = str(value).strip()
    found = _NUMBER.fullmatch(text)
    if found is None:
        return f"{text} {forms.other}"
    kind = category(float(text.replace(",", "").replace("−", "-")))
    if kind == "one":
        return forms.one_acc if case == "acc" else forms.one
    if kind == "two":
        return forms.two if case == "nom" else forms.two_obl
    return f"{text} {getattr(forms, kind)}"


def noun_after(value: object, noun: str) -> str:
    """The noun alone as it follows a figure shown in digits (a key figure's "3 معابر", "11 معبرًا"): 1 and 0
    take the singular, 2 the dual."""
    forms = NOUNS[noun]
    text = str(value).replace(",", "").strip()
    try:
        kind = category(float(text))
    except ValueError:
        return forms.other
    return {"one": forms.other, "two": forms.two}.get(kind) or getattr(forms, kind)


def plural(value: object, noun: str) -> str:
    """``value`` with ``noun`` in English: the singular after exactly 1, the plural after any other count
    ("0 alerts", "1.5 days", "1,388 trucks") or a value that is not a number ("n/a days")."""
    one, many = ENGLISH[noun]
    text = str(value).strip()
    found = _NUMBER.fullmatch(text)
    is_one = found is not None and float(text.replace(",", "").replace("−", "-")) == 1
    return f"{text} {one if is_one else many}"


class _Counting(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        noun, _, case = format_spec.partition("+")
        if noun in NOUNS:
            return counted(value, noun, case or "nom") if self.lang == "ar" else plural(value, noun)
        return super().format_field(value, format_spec)


_FORMATTERS = {"ar": _Counting("ar"), "en": _Counting("en")}


def fill(template: str, /, *args: object, lang: str = "ar", **kwargs: object) -> str:
    """``template.format(*args, **kwargs)``, a placeholder naming a noun (``{n:day}``, ``{0:truck+gen}``)
    filled with the count and the noun in agreement in ``lang`` (the template's language)."""
    return _FORMATTERS[lang].vformat(template, args, kwargs)


class Template(str):
    """A wording in ``lang`` whose ``format`` is :func:`fill` (the sitrep's texts, formatted where used)."""

    lang = "ar"

    @classmethod
    def of(cls, text: str, lang: str) -> Template:
        made = cls(text)
        made.lang = lang
        return made

    def format(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
        return fill(self, *args, lang=self.lang, **kwargs)
