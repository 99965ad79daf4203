"""UI strings in English and Arabic; Arabic pages are right-to-left. Place names come from the store."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGS = ("en", "ar")
RTL = {"ar"}
FOLDER = Path(__file__).with_name("i18n")


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
