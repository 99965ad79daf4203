"""Extraction: sentences -> claims (figure, bounds, indicator, area, period) and the figures that
cannot be checked, each with its reason. Pure text work: no store access beyond the gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lifeline.claims import dates as dt
from lifeline.claims import quantities as qty
from lifeline.claims.gazetteer import Gazetteer, Mention, Place
from lifeline.claims.rules import Indicator, Rules
from lifeline.claims.sentences import split

# A sentence is only examined when it has a figure-like token or a crossing-status word.
_TRIGGER = re.compile(
    r"\d|\b(?:dozens?|hundreds|thousands|millions|scores|handful|half|third|quarter|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty)\b"
    r"|clos|open|shut|seal|block|crossing|border|hospital|معبر|مستشف|عشرات|مئات|آلاف|مليون",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bno longer|\bfailed to|\byet to|لم|لا)\s+(?:\w+\s+)?$", re.IGNORECASE)
_ONLY = re.compile(r"\b(?:the )?only (?:\w+ )?(?:crossing|entry point|route|gate)\b", re.IGNORECASE)


@dataclass
class Claim:
    """One checkable assertion: the figure (or status) and what, where and when it counts."""

    text: str
    span: tuple[int, int]
    figure: str
    figure_span: tuple[int, int]
    indicator: Indicator
    area: Place
    area_basis: str  # "named" | "default"
    period: dt.Period
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    qualifier_kind: str
    status: str | None = None
    denominator: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class NotCheckable:
    text: str
    span: tuple[int, int]
    figure: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "figure": self.figure, "reason": self.reason}


@dataclass
class Extraction:
    claims: list[Claim]
    not_checkable: list[NotCheckable]
    truncated: bool = False


def extract(text: str, doc_date: date, gaz: Gazetteer, rules: Rules) -> Extraction:
    """Every claim in ``text`` and every figure that cannot be checked, in document order."""
    claims: list[Claim] = []
    skipped: list[NotCheckable] = []
    limit = int(rules.value("max_claims_per_document"))
    for start, end in split(text, rules.abbreviations):
        sentence = text[start:end]
        if not _TRIGGER.search(sentence):
            continue
        _sentence(sentence, start, doc_date, gaz, rules, claims, skipped)
        if len(claims) + len(skipped) >= limit:
            return Extraction(claims, skipped, truncated=True)
    return Extraction(claims, skipped)


def _sentence(
    sentence: str,
    offset: int,
    doc: date,
    gaz: Gazetteer,
    rules: Rules,
    claims: list[Claim],
    skipped: list[NotCheckable],
) -> None:
    span = (offset, offset + len(sentence))
    mentions = dt.find_dates(sentence)
    places = gaz.find(sentence)
    masked = [(m.start, m.end) for m in mentions] + [(p.start, p.end) for p in places]
    figures = qty.find(sentence, rules, masked)
    figures = _drop_denominators(sentence, figures)
    period = dt.resolve_period(sentence, mentions, doc, rules.war_start)
    found = False
    for i, q in enumerate(figures):
        nxt = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
        prev = figures[i - 1].end if i else 0
        head = sentence[q.end : min(nxt, q.end + 90)]
        before = sentence[max(prev, q.start - 90) : q.start]
        reason = _unsupported(head, rules)
        if reason:
            skipped.append(NotCheckable(sentence, span, q.text, f"the figure is {reason}"))
            continue
        ind = _classify(q, head, before, sentence, rules)
        if ind is None:
            what = "a percentage of something" if q.percent else "a figure"
            skipped.append(
                NotCheckable(
                    sentence,
                    span,
                    q.text,
                    f"{what} not tied to any indicator Lifeline checks (population, displacement, "
                    "trucks, needs met, hospitals, crossings, kcal)",
                )
            )
            continue
        place, basis = _area(places, q.start, ind, rules, gaz)
        found = True
        claims.append(
            Claim(
                text=sentence,
                span=span,
                figure=q.text,
                figure_span=(offset + q.start, offset + q.end),
                indicator=ind,
                area=place,
                area_basis=basis,
                period=period,
                value=q.value,
                low=q.low,
                high=None if q.high == qty.INF else q.high,
                qualifier=q.qualifier,
                qualifier_kind=q.qualifier_kind,
                denominator=q.denominator,
            )
        )
    found = _status_claims(sentence, offset, span, places, mentions, period, doc, rules, claims) or found
    if not found and not figures:
        for name in ("hospitals_functioning", "hospitals_not_functioning", "trucks_per_day", "displaced", "fled"):
            ind = rules.indicators.get(name)
            if ind and any(p.search(sentence) for p in ind.patterns):
                skipped.append(
                    NotCheckable(sentence, span, None, f"speaks of {ind.label} but states no figure or status to check")
                )
                break


def _drop_denominators(sentence: str, figures: list[qty.Quantity]) -> list[qty.Quantity]:
    out: list[qty.Quantity] = []
    for q in figures:
        if (
            out
            and out[-1].denominator is not None
            and re.fullmatch(r"\s*(?:of|out of|from)\s+(?:the\s+)?", sentence[out[-1].end : q.start], re.IGNORECASE)
        ):
            continue
        out.append(q)
    return out


def _unsupported(head: str, rules: Rules) -> str | None:
    for reason, pat in rules.unsupported_units:
        if pat.search(head):
            return reason
    window = head[:60]
    for reason, pat in rules.unsupported_topics:
        if pat.search(window):
            return f"about {reason}"
    return None


def _classify(q: qty.Quantity, head: str, before: str, sentence: str, rules: Rules) -> Indicator | None:
    """The indicator named right after the figure, else right before it; percentages only as shares."""
    if q.percent:
        share = rules.indicators.get("share_of_needs")
        if share and any(p.search(sentence) for p in share.patterns):
            return share
        return None
    for window in (head, before):
        for name in rules.order:
            ind = rules.indicators[name]
            if ind.kind in {"share", "status"}:
                continue
            if any(p.search(window) for p in ind.patterns):
                if ind.name == "trucks_total" and any(
                    p.search(sentence) for p in rules.indicators["trucks_per_day"].patterns
                ):
                    return rules.indicators["trucks_per_day"]
                return ind
    return None


def _area(places: list[Mention], at: int, ind: Indicator, rules: Rules, gaz: Gazetteer) -> tuple[Place, str]:
    if places:
        prefer_crossing = ind.name in {"trucks_per_day", "trucks_total", "crossing_status"}
        # A place named after the figure ("... people in Rafah") binds tighter than one before it.
        nearest = min(places, key=lambda m: abs(m.start - at) - (200 if m.start >= at else 0))
        return nearest.pick(prefer_crossing), "named"
    code = rules.default_area
    for name in rules.default_area_names:
        hit = gaz.names.get(" ".join(name.lower().split()))
        if hit:
            return hit[0], "default"
    return Place(code, "Gaza Strip", "territory"), "default"


def _status_claims(
    sentence: str,
    offset: int,
    span: tuple[int, int],
    places: list[Mention],
    mentions: list[dt.DateMention],
    period: dt.Period,
    doc: date,
    rules: Rules,
    claims: list[Claim],
) -> bool:
    """Crossing open/closed assertions: a crossing named next to a status word."""
    crossings = [
        m
        for m in places
        if any(p.type == "crossing" for p in m.places)
        and (m.crossing_word or all(p.type == "crossing" for p in m.places))
    ]
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
    for mention in crossings:
        start, end, status = min(hits, key=lambda h: abs(h[0] - mention.end))
        if abs(start - mention.end) > 80 and abs(mention.start - end) > 80:
            continue
        if _NEGATION.search(sentence[max(0, start - 24) : start]):
            status = {"open": "closed", "closed": "open", "restricted": "closed"}[status]
        when = period
        after = [d for d in mentions if 0 <= d.start - end <= 20 and d.day]
        if after:
            day = dt.resolve_period(
                sentence[after[0].start : after[0].end],
                [dt.DateMention(0, after[0].end - after[0].start, after[0].month, after[0].day, after[0].year)],
                doc,
                rules.war_start,
            )
            when = day
        place = mention.pick(True)
        notes = []
        if _ONLY.search(sentence) and status == "open":
            notes.append("the statement says this is the only crossing open; each other crossing is not checked here")
        word = sentence[start:end]
        claims.append(
            Claim(
                text=sentence,
                span=span,
                figure=word,
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
            )
        )
        found = True
    return found
