"""Split a text into sentences with their character spans, in one regular-expression pass.

Spans index the original text, so a face can highlight a claim exactly where it was written.
"""

from __future__ import annotations

import re

# A sentence ends at . ! ? or the Arabic question mark followed by space, or at a blank line or
# a line break before a bullet; closing quotes and brackets stay with the sentence they end.
_BOUNDARY = re.compile(r"(?<=[.!?؟])[\"'”’)\]]*(?=\s)|\n[ \t]*\n|\n(?=[ \t]*[-•*▪]\s)|(?<=[:;])\n")
_WORD_BEFORE = re.compile(r"(\S+)\.[\"'”’)\]]*$")


def split(text: str, abbreviations: frozenset[str] = frozenset(), max_chars: int = 2000) -> list[tuple[int, int]]:
    """(start, end) of every sentence; abbreviations ("Dr.", "U.N.") and initials do not end one.

    A run of text longer than ``max_chars`` with no sentence end (a table dump, hostile input) is cut
    at spaces into pieces of at most that length, so the cost of one sentence stays bounded."""
    spans = _split(text, abbreviations)
    if all(b - a <= max_chars for a, b in spans):
        return spans
    out: list[tuple[int, int]] = []
    for a, b in spans:
        while b - a > max_chars:
            cut = text.rfind(" ", a + max_chars // 2, a + max_chars)
            cut = cut if cut > a else a + max_chars
            out.append((a, cut))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append((a, b))
    return out


def _split(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if text[m.start() - 1 : m.start()] == "." or text[end - 1 : end] in "\"'”’)]":
            head = text[max(start, end - 24) : end]
            w = _WORD_BEFORE.search(head)
            if w:
                word = w.group(1).lstrip("(\"'“‘").lower()
                if word in abbreviations or (len(word) == 1 and word.isalpha()):
                    continue
            nxt = text[end : end + 3].lstrip()
            if nxt[:1].islower():
                continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
