"""The text a reader sees on a page, and the Latin-script words in it that are neither data nor codes.

Visible text is every text node outside <script>, <style> and elements marked translate="no" (data shown
as published: names, source titles, files, codes), plus input placeholders. A Latin-script token is allowed
when it is a code or unit (an acronym such as UNRWA or HXL, a token with a digit, a hyphen, an underscore, a
slash, a colon or a dot, such as sphere-2100 or route:land, a unit such as kcal, something in quotes, guillemets or
backticks, the title of an English-language source in ENGLISH_SOURCE_TITLES); any other Latin word is English left
untranslated.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = {"script", "style"}
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed", "param", "track"}
UNITS = {"kcal", "km", "kg", "t", "OpenAPI", "p", "d"}
# Titles and publishers of English-language sources a sentence names in passing (not as a marked data value):
# read as published, in Latin script, by Arabic readers too. Keep this short: anything else is translated.
ENGLISH_SOURCE_TITLES = ("Insecurity Insight",)
QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|«[^»]*»|https?://\S+")
LATIN = re.compile(r"[A-Za-z]")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in VOID:
            # a placeholder of data (the context's own publishers) is marked translate="no" like other data
            if (tag == "input" and found.get("placeholder") and not any(self.hidden)
                    and found.get("translate") != "no"):
                self.parts.append(str(found["placeholder"]))
            return
        self.hidden.append(tag in SKIPPED or found.get("translate") == "no")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.hidden:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if not any(self.hidden) and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.parts


def _allowed(token: str) -> bool:
    word = token.strip("()[]{},;:.!?·—–«»%+\u2066\u2067\u2068\u2069")  # the sitrep's bidi isolates too
    if not LATIN.search(word):
        return True
    if any(ch.isdigit() for ch in word) or any(ch in word for ch in "-_/:.@#&+="):
        return True
    return word in UNITS or len(word) == 1 or word.rstrip("s").isupper()


def english_words(html: str) -> list[str]:
    """The pieces of visible text holding a Latin-script word that is not a code, unit or quoted data."""
    out = []
    for part in visible_text(html):
        bare = QUOTED.sub(" ", part)
        for title in ENGLISH_SOURCE_TITLES:
            bare = bare.replace(title, " ")
        if any(not _allowed(token) for token in bare.split()):
            out.append(part)
    return out
