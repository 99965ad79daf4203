"""Crossing statuses: open / closed / restricted beside a crossing's name (or "the crossing" after one was named),
each dated by its own clause, "the only crossing" noted, a past state ("after being closed for three days") and a
status to come set aside.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lifeline.claims import dates as dt
from lifeline.claims.areas import conjoined
from lifeline.claims.attribution import find_attributions, nearest_attribution
from lifeline.claims.clauses import clause_end
from lifeline.claims.gazetteer import Mention, Place
from lifeline.claims.past_states import days_before, is_past_state
from lifeline.claims.records import Claim, NotCheckable
from lifeline.claims.rules import Rules
from lifeline.claims.timing import future_reason

_NEGATION = re.compile(
    r"(?:\bnot|n't|\bnever|\bno longer|\bfailed to|\byet to|(?<!\w)لم(?!\s+[يت]زل)|(?<!\w)لا(?!\s+[يت]زال))"
    r"\s+(?:\w+\s+)?$",
    re.IGNORECASE
)


_ONLY = re.compile(
    r"\b(?:the )?(?:only|sole|single|last) (?:remaining )?(?:\w+ )?"
    r"(?:crossing|entry point|route|gate|outlet|way in|way out"
    r"|lifeline|exit|gateway|window|door)\b|المنفذ الوحيد|المعبر الوحيد|الشريان الوحيد",
    re.IGNORECASE,
)


# "The closure ...", "the crossing remains shut", "المعبر": a crossing named in an earlier sentence.
_BACK_REFERENCE = re.compile(
    r"\b(?:the|this|that|its) (?:border )?(?:crossing|closure|terminal|gate|border)\b"
    r"|\bit (?:remains?|remained|was|is|has been)\b"
    r"|(?<!\w)(?:المعبر|الإغلاق|إغلاقه|إغلاق المعبر)(?!\w)",
    re.IGNORECASE,
)


def status_claims(
    sentence: str,
    offset: int,
    span: tuple[int, int],
    places: list[Mention],
    mentions: list[dt.DateMention],
    period: dt.Period,
    doc: date,
    rules: Rules,
    claims: list[Claim],
    state: dict[str, Any] | None = None,
    skipped: list[NotCheckable] | None = None,
    timed: str | None = None,
) -> bool:
    """Crossing open/closed assertions: a crossing named next to a status word, or a later sentence's
    "the crossing" / "the closure" speaking of the crossing named last."""
    state = {} if state is None else state
    crossings = [
        m
        for m in places
        if any(p.type == "crossing" for p in m.places)
        and (
            m.crossing_word
            or all(p.type == "crossing" for p in m.places)
            or _status_beside(sentence, m, places, rules)
        )
    ]
    back = False
    if crossings:
        state["crossing"] = max(crossings, key=lambda m: m.start).pick(True)
    elif state.get("crossing") is not None:
        ref = _BACK_REFERENCE.search(sentence)
        if ref is None:
            return False
        place: Place = state["crossing"]
        crossings = [Mention(ref.start(), ref.end(), ref.group(0), (place,), True)]
        back = True
    if not crossings:
        return False
    ind = rules.indicators.get("crossing_status")
    if ind is None:
        return False
    found = False
    hits: list[tuple[int, int, str]] = []
    for status, pat in rules.status_words.items():
        for m in pat.finditer(sentence):
            hits.append((m.start(), m.end(), status))
    if not hits:
        return False
    kept: list[tuple[int, int, str]] = []
    for hit in sorted(hits, key=lambda h: (h[0], -(h[1] - h[0]))):
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    seen: set[tuple[str, str, date, date]] = set()
    previous: tuple[int, str, str] | None = None  # end, crossing, status of the last assertion
    for start, end, status in kept:
        mention = min(crossings, key=lambda m: _status_distance(sentence, start, end, m))
        if min(abs(start - mention.end), abs(mention.start - end)) > 80:
            continue
        code = mention.pick(True).code
        if previous and previous[1:] == (code, status) and start - previous[0] <= 30:
            previous = (end, code, status)
            continue  # "open and operating" is one assertion
        previous = (end, code, status)
        if _NEGATION.search(sentence[max(0, start - 24) : start]):
            status = {"open": "closed", "closed": "open", "restricted": "closed"}[status]
        when = _status_period(timed or sentence, start, end, mention, kept, mentions, period, doc, rules)
        if when.start > doc:  # "will reopen next Monday"
            if skipped is not None:
                skipped.append(NotCheckable(sentence, span, sentence[start:end], future_reason(when)))
            found = True
            continue
        if is_past_state(sentence, start, end):
            # "reopened on Wednesday after being closed for three days": the closure is the days before
            earlier = days_before(sentence, start, end, when, rules)
            if earlier is None:
                continue
            when = earlier
        for place in [m.pick(True) for m in conjoined(sentence, mention, crossings)]:
            key = (place.code, status, when.start, when.end)
            if key in seen:
                continue
            seen.add(key)
            notes = []
            if back:
                notes.append(f"'{mention.text}' read as the {place.name}, the crossing named before it in the document")
            if _ONLY.search(sentence) and status == "open":
                notes.append(
                    "the statement says this is the only crossing open: other crossings' reported states are checked"
                )
            claims.append(
                Claim(
                    text=sentence,
                    span=span,
                    figure=sentence[start:end],
                    figure_span=(offset + start, offset + end),
                    indicator=ind,
                    area=place,
                    area_basis="named",
                    period=when,
                    value=None,
                    low=None,
                    high=None,
                    qualifier=None,
                    qualifier_kind="status",
                    status=status,
                    notes=notes,
                    reading="status",
                    attribution=nearest_attribution(find_attributions(sentence, rules), start, sentence),
                )
            )
            found = True
    return found


_STATUS_CLAUSE_BREAK = re.compile(r"[,;:،؛]")


def _status_distance(sentence: str, start: int, end: int, m: Mention) -> int:
    """How far a status word is from a crossing's name; a name across a clause break (a comma) counts as
    farther, so "X remains closed, and Y …" gives the closure to X however long the words are."""
    gap = sentence[m.end : start] if m.end <= start else sentence[end : m.start]
    return min(abs(start - m.end), abs(m.start - end)) + (60 if _STATUS_CLAUSE_BREAK.search(gap) else 0)


_STATUS_GAP = re.compile(
    r"^\s*(?:(?:is|was|has been|had been|remains?|remained|stays?|stayed|now|still|being|كان|لا يزال|ما زال)\s+){0,2}$"
)


_CROSSING_CONTEXT = re.compile(r"\b(?:crossings?|border|aid|trucks?|entry|outlet)\b|معبر|المعابر|المنفذ|شاحن|مساعدات",
                               re.IGNORECASE)


def _status_beside(sentence: str, m: Mention, places: list[Mention], rules: Rules) -> bool:
    """A name that is a crossing and a town ("Rafah") stands for the crossing when a status word follows it
    directly ("with Rafah closed", "Rafah remains shut") in a sentence about crossings or aid."""
    others = [p for p in places if p is not m]
    if not (_CROSSING_CONTEXT.search(sentence) or any(p.crossing_word for p in others)):
        return False
    rest = sentence[m.end : m.end + 40]
    for pat in rules.status_words.values():
        hit = pat.search(rest)
        if hit and _STATUS_GAP.match(rest[: hit.start()]):
            return True
    return False


# A day that dates the cause of a status, not the status: "after Sunday's rocket fire", "following the strike on
# Monday", "بعد القصف الصاروخي يوم الأحد", "إثر هجوم أمس".
_CAUSE_LEAD = re.compile(
    r"\b(?:after|following|since|amid)\s+(?:the\s+|a\s+)(?:[\w-]+\s+){1,3}(?:(?:on|of)\s+)?$"
    r"|(?<!\w)(?:بعد|إثر|اثر|عقب|جراء|بسبب|منذ)\s+(?:ال)?(?:قصف|هجوم|هجمات|غارة|غارات|إطلاق|اطلاق|استهداف|انفجار)\S*"
    r"(?:\s+\S+){0,2}?\s+(?:يوم\s+)?$",
    re.IGNORECASE,
)


_POSSESSIVE = re.compile(r"^['’]s\b")


def _dates_a_cause(sentence: str, start: int, end: int) -> bool:
    """The time phrase at ``start:end`` dates an event the status follows ("after Sunday's shelling")."""
    before = sentence[max(0, start - 60) : start]
    if _POSSESSIVE.match(sentence[end : end + 3]):
        return bool(re.search(r"\b(?:after|following|since|due to|because of|amid)\s+$", before, re.IGNORECASE))
    return bool(_CAUSE_LEAD.search(before))  # "since Sunday" alone is the status's own date


def _status_period(
    sentence: str,
    start: int,
    end: int,
    mention: Mention,
    hits: list[tuple[int, int, str]],
    mentions: list[dt.DateMention],
    period: dt.Period,
    doc: date,
    rules: Rules,
) -> dt.Period:
    """The date of one status assertion: the date words of its own clause (from the crossing or the
    status word up to the next status word), else the sentence's date when it makes a single assertion."""
    earlier = [h[1] for h in hits if h[1] <= start]
    lo = max(min(start, mention.start), earlier[-1] if earlier else 0)
    later = [h[0] for h in hits if h[0] > end]
    hi = later[0] if later else len(sentence)
    hi = clause_end(sentence, end, hi)  # "X is open, and 200 trucks entered yesterday": not X's date
    if mention.start > end:
        hi = max(hi, mention.end)
    every = dt.time_phrases(sentence, mentions, doc, rules.war_start)
    causes = [p for p in every if _dates_a_cause(sentence, p.start, p.end)]
    every = [p for p in every if p not in causes]
    phrases = [p for p in every if lo <= p.start and p.end <= hi]
    after = [p for p in phrases if p.start >= end]
    nearest = after[:1] or phrases[-1:]  # "closed on 5 May ... and reopened on 8 May"
    if nearest:
        return nearest[0].period
    if causes and not every:  # "remains closed after Sunday's rocket fire": the status is the document's
        return dt.Period(doc, doc, f"document date ('{sentence[causes[0].start:causes[0].end]}' dates the cause)")
    if len(hits) > 1 or (every and all(p.start >= hi for p in every)):
        return dt.Period(doc, doc, "document date")
    return period
