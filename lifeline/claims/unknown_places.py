"""Place names a statement uses that the store does not know ("from Chad into Darfur through the Adre
crossing", "مدينة تعز اليمنية", "طريق الحوبان").

A figure about such a place is about another crisis (or a place nobody imported): judging it against the
default territory's figures would be a false verdict, so the claim is listed as not checkable instead. Only
names that read as places count: a capitalised name after a word of movement or location ("in", "into",
"through") or before a place noun ("… crossing", "… camp"), and in Arabic the word after a place noun
("مدينة", "معبر", "طريق" …). Names the gazetteer knows, sources a statement can cite, months, weekdays and the
names claims.toml ``[areas] outside`` lists (where aid comes from, never where a figure counts: "from
Egypt") are not unknown places.
"""

from __future__ import annotations

import re

from lifeline.claims.dates import MONTHS
from lifeline.claims.gazetteer import Mention
from lifeline.claims.rules import Rules

_NAME = r"(?:al-|el-|as-|ad-|ash-)?[A-Z][\w'’-]*(?:\s+(?:al-|el-|as-|ad-|ash-)?[A-Z][\w'’-]*)*"
_EN_LEAD = re.compile(
    r"\b(?:in|into|from|to|through|via|at|across|near|towards?|inside|reach(?:ed|es|ing)?)\s+(?:the\s+)?"
    rf"(?P<name>{_NAME})"
)
_EN_HEAD = re.compile(
    rf"(?P<name>{_NAME})\s+(?i:crossing|border crossing|border|camp|town|city|region|province|governorate"
    r"|district|state|road|corridor|port)\b"
)
_AR_HEAD = re.compile(
    r"(?<!\w)(?:مدينة|بمدينة|لمدينة|بلدة|قرية|مخيم|معبر|بمعبر|طريق|بطريق|محافظة|ولاية|إقليم|ميناء|بميناء)"
    r"\s+(?P<name>[^\s،,.؛;:()\"«»0-9٠-٩]{2,})"
)
_BODIES = {"cluster", "programme", "program", "agency", "office", "ministry", "organization", "organisation",
           "committee", "council", "authority", "authorities", "bureau", "fund", "nations", "union", "society",
           "crescent", "cross", "army", "forces", "government", "officials", "spokesperson", "department"}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# Capitalised words that follow "in", "to" … without naming a place.
_NOT_PLACES = {"phase", "ramadan", "eid", "total", "all", "some", "about", "around", "more", "less", "fewer",
               "nearly", "only", "just", "over", "under", "at", "since", "between", "the", "this", "that", "its",
               "their", "his", "her", "our", "us", "them", "it", "we", "they", "he", "she", "i", "you"}


def unknown_places(clause: str, known: list[Mention], rules: Rules) -> list[str]:
    """The names in ``clause`` that read as places and that the gazetteer does not know, in order."""
    taken = [(m.start, m.end) for m in known]
    outside = {" ".join(str(n).lower().split()) for n in _outside(rules)}
    found: list[str] = []
    for pattern in (_EN_LEAD, _EN_HEAD, _AR_HEAD):
        for m in pattern.finditer(clause):
            start, end = m.span("name")
            if any(a < end and start < b for a, b in taken):
                continue
            name = _trim(m.group("name"))
            if name and _is_place(name, outside, rules) and name not in found:
                found.append(name)
    return found


def _trim(name: str) -> str:
    """Drop trailing words that are not part of the name ("Darfur Over" is not written, but "Adre On")."""
    words = name.split()
    while words and (words[-1].lower() in _NOT_PLACES or words[-1].lower() in MONTHS):
        words.pop()
    return " ".join(words)


def _is_place(name: str, outside: set[str], rules: Rules) -> bool:
    low = " ".join(name.lower().split())
    first = low.split()[0]
    if low in outside or first in _NOT_PLACES or first in _WEEKDAYS or first in MONTHS:
        return False
    lead = name.split()[0]
    if lead.isupper() and len(lead) <= 6:  # an acronym, or a body named after one: UN, WFP, "UN Women"
        return False
    if low.split()[-1] in _BODIES:  # "the Logistics Cluster", "the Health Ministry"
        return False
    return not any(a.names.fullmatch(name) for a in rules.attributions)


def _outside(rules: Rules) -> list[str]:
    areas = rules.assumptions.tables.get("areas", {})
    names = areas.get("outside", []) if isinstance(areas, dict) else []
    return [str(n) for n in names] if isinstance(names, list) else []
