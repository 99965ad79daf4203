"""UI strings in English and Arabic; Arabic pages are right-to-left. Place names come from the store.

The core writes its notes, labels and alert messages in English. ``prose`` gives them in the page's language
through the patterns of ``<lang>-prose.json`` (beside this module): each an anchored regular expression over the English
sentence and a template that keeps the figures, dates, codes and names it captured. A sentence no pattern
matches is shown as the core wrote it (tests/web/test_arabic.py fails on any that reaches an Arabic page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from lifeline.i18n.counted import fill

LANGS = ("en", "ar")
RTL = {"ar"}
FOLDER = Path(__file__).parent
# Runs of digits (figures, dates, periods, ranges, percentages) are isolated in right-to-left text, so
# "2024-05-06" or "1,388–2,741" keep their order inside an Arabic sentence.
NUMBER_RUN = re.compile(r"(?<![\w\-])[+\-−]?\d[\d,.\-–/:%]*\d%?|(?<![\w\-])\d%?")


@cache
def strings(lang: str) -> dict[str, str]:
    english = json.loads((FOLDER / "en.json").read_text(encoding="utf-8"))
    if lang == "en":
        return english  # type: ignore[no-any-return]
    return english | json.loads((FOLDER / f"{lang}.json").read_text(encoding="utf-8"))


def pick(lang: str | None) -> str:
    return lang if lang in LANGS else "en"


def translator(lang: str):  # type: ignore[no-untyped-def]
    table = strings(lang)

    def t(key: str, **values: object) -> str:
        text = table.get(key, key)
        return fill(text, lang=lang, **values) if values else text

    return t


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A figure inside a sentence: a date written out ("7 Oct 2023", "May 2024"), else a run of digits.
FIGURE = re.compile(r"(?:\d{1,2} )?(?:" + "|".join(MONTHS) + r")[a-z]* \d{4}|" + NUMBER_RUN.pattern)


@cache
def _table(lang: str) -> dict[str, object]:
    path = FOLDER / f"{lang}-prose.json"
    spec = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {"patterns": [(re.compile(p["en"], re.DOTALL), p[lang]) for p in spec.get("patterns", [])],
            "words": spec.get("words", {}), "sentences": spec.get("sentences", {}), "months": spec.get("months", {})}


def _top_level_parts(text: str, sep: str = "; ") -> list[str]:
    """``text`` split at each ``sep`` outside brackets (a note's clauses; with ". ", its sentences: the next
    one starting with a capital), or [] when it has none."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if depth == 0 and text.startswith(sep, i) and (sep != ". " or text[i + 2 : i + 3].isupper()):
            parts.append(text[start : i + (1 if sep == ". " else 0)])  # a sentence keeps its full stop
            start = i + len(sep)
    return [*parts, text[start:]] if parts else []


@cache
def prose(lang: str, text: str) -> str:
    """``text`` (English from the core) in ``lang``: a known word; else the sentence with its figures taken out
    (``{0}``, ``{1}``…) looked up and the figures put back (a date written out gets the month's name in
    ``lang``); else the first matching pattern's template, its captured parts themselves translated; else each
    of its clauses (split at "; ") so translated. What none of these knows stays as it is."""
    if lang == "en" or not text:
        return text
    table = _table(lang)
    words, sentences = table["words"], table["sentences"]
    assert isinstance(words, dict) and isinstance(sentences, dict)
    if text in words:
        return str(words[text])
    figures = [m.group(0) for m in FIGURE.finditer(text)]
    skeleton = FIGURE.sub(lambda m: "{" + str(figures.index(m.group(0))) + "}", text)
    if skeleton in sentences:
        return fill(str(sentences[skeleton]), *[_month(lang, f) for f in figures], lang=lang)
    for pattern, template in table["patterns"]:  # type: ignore[attr-defined]
        found = pattern.fullmatch(text)
        if found:
            return fill(template, lang=lang, **{k: _captured(lang, k, v) for k, v in found.groupdict().items()})
    sentences_of = _top_level_parts(text, ". ")
    if len(sentences_of) > 1:
        return " ".join(prose(lang, x) for x in sentences_of)
    parts = _top_level_parts(text)
    if parts:
        return ("؛ " if lang == "ar" else "; ").join(prose(lang, p) for p in parts)
    return text


# A pattern's group named data_… is data quoted as published (a publisher, a place's name in a message): kept
# as it is and marked, so the page shows it translate="no".
DATA_OPEN, DATA_CLOSE = "\x02", "\x03"


def _captured(lang: str, group: str, value: str | None) -> str:
    if not value:
        return ""
    if group.startswith("data_"):
        return DATA_OPEN + value + DATA_CLOSE
    said = prose(lang, value)
    return _month(lang, value) if said == value and FIGURE.fullmatch(value) else said  # "May 2024" in Arabic


DATA_SPAN = re.compile(DATA_OPEN + "([^" + DATA_CLOSE + "]*)" + DATA_CLOSE)


def quoted(text: str, change: Callable[[str], str]) -> str:
    """``text`` with each piece of data it quotes (a place's code or English name in an alert) passed through
    ``change`` (the page's name function), still marked as data."""
    return DATA_SPAN.sub(lambda m: DATA_OPEN + change(m.group(1)) + DATA_CLOSE, text)


def plain(text: str) -> str:
    """Translated text without its data marks (for charts and downloads)."""
    return text.replace(DATA_OPEN, "").replace(DATA_CLOSE, "")


def _month(lang: str, figure: str) -> str:
    months = _table(lang)["months"]
    assert isinstance(months, dict)
    for short, name in months.items():
        if short in figure:
            return re.sub(short + r"[a-z]*", name, figure)
    return figure


def long_date(lang: str, value: str | None) -> str | None:
    """An ISO day (or moment) written out with its month's name in ``lang`` ("15 أيلول/سبتمبر 2024"), for a
    reader whose date control shows only digits; None when ``value`` is not an ISO date."""
    from datetime import date

    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    short = MONTHS[day.month - 1]
    months = _table(lang)["months"] if lang != "en" else {}
    assert isinstance(months, dict)
    clock = str(value)[11:16] if len(str(value)) > 10 else ""
    return f"{day.day} {months.get(short, short)} {day.year}" + (f" {clock}" if clock else "")


def bidi(text: object) -> Markup:
    """Escaped text with each run of digits in <bdi>, so numbers and dates read in their own order in RTL."""
    raw, out, at = str(text), [], 0
    for found in NUMBER_RUN.finditer(raw):  # matched on the raw text, so no entity is cut
        out += [str(escape(raw[at:found.start()])), f"<bdi>{escape(found.group(0))}</bdi>"]
        at = found.end()
    out.append(str(escape(raw[at:])))
    return Markup(marked("".join(out)))


def marked(html: str) -> str:
    """Escaped text whose data marks become <span translate="no">."""
    return html.replace(DATA_OPEN, '<span translate="no">').replace(DATA_CLOSE, "</span>")


# A left-to-right run inside right-to-left text: figures ("45 %", "1,388–2,741", "-23%", "2024-05-06"), URLs,
# codes and English words or titles ("UNRWA Situation Report #120"), spaces and joining punctuation inside it,
# a URL's closing slash, never a trailing comma or full stop (which belong to the sentence).
LTR_RUN = re.compile(r"(?:[+\-−](?=\d))?[A-Za-z0-9](?:[A-Za-z0-9%]|[.,:/\-–_#?=&@~+'’\u2060]+(?=[A-Za-z0-9%])"
                     r"| (?=[A-Za-z0-9%#]))*(?: ?%|/+)?")
LRI, PDI = "\u2066", "\u2069"


def isolated(text: str) -> str:
    """``text`` with each left-to-right run between the Unicode isolates LRI … PDI, so a percentage, a date, a
    URL or an English title keeps its order inside an Arabic sentence wherever ``<bdi>`` and
    ``unicode-bidi: isolate`` are not honoured (WeasyPrint honours the characters; docs/report.md)."""
    return LTR_RUN.sub(lambda m: LRI + m.group(0) + PDI, text)
