"""UI strings in English and Arabic; Arabic pages are right-to-left. Place names come from the store.

The core writes its notes, labels and alert messages in English. ``prose`` gives them in the page's language
through the patterns of ``i18n/<lang>-prose.json``: each an anchored regular expression over the English
sentence and a template that keeps the figures, dates, codes and names it captured. A sentence no pattern
matches is shown as the core wrote it (tests/web/test_arabic.py fails on any that reaches an Arabic page).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

LANGS = ("en", "ar")
RTL = {"ar"}
FOLDER = Path(__file__).with_name("i18n")
# Runs of digits (figures, dates, periods, ranges, percentages) are isolated in right-to-left text, so
# "2024-05-06" or "1,388–2,741" keep their order inside an Arabic sentence.
NUMBER_RUN = re.compile(r"[+\-−]?\d[\d,.\-–/:%]*\d%?|\d%?")


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
        return text.format(**values) if values else text

    return t


@cache
def _patterns(lang: str) -> tuple[list[tuple[re.Pattern[str], str]], dict[str, str]]:
    path = FOLDER / f"{lang}-prose.json"
    if not path.exists():
        return [], {}
    spec = json.loads(path.read_text(encoding="utf-8"))
    return [(re.compile(p["en"], re.DOTALL), p[lang]) for p in spec["patterns"]], spec.get("words", {})


@cache
def prose(lang: str, text: str) -> str:
    """``text`` (English from the core) in ``lang``: the first matching pattern's template, its captured parts
    themselves translated when they are words or phrases the table knows (a status, a rule, a sentence)."""
    if lang == "en" or not text:
        return text
    patterns, words = _patterns(lang)
    if text in words:
        return words[text]
    for pattern, template in patterns:
        found = pattern.fullmatch(text)
        if found:
            parts = {k: (prose(lang, v) if v else "") for k, v in found.groupdict().items()}
            return template.format(**parts)
    return text


def bidi(text: object) -> Markup:
    """Escaped text with each run of digits in <bdi>, so numbers and dates read in their own order in RTL."""
    return Markup(NUMBER_RUN.sub(lambda m: f"<bdi>{m.group(0)}</bdi>", str(escape(text))))
