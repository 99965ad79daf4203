"""Extraction: sentences -> claims (figure, bounds, indicator, area, period) and the figures that
cannot be checked, each with its reason. Pure text work: no store access beyond the gazetteer.
The orchestration only: each job is a module of its own (clauses, attribution, readings, unsupported, areas,
timing, statuses; the records in records).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from lifeline.claims import dates as dt
from lifeline.claims import quantities as qty
from lifeline.claims.areas import area_of, crossings_with, unknown_reason
from lifeline.claims.attribution import find_attributions, nearest_attribution
from lifeline.claims.clauses import CLAUSE_BREAK, clause_end, own_before, own_clause, shifted_mentions, words_after
from lifeline.claims.gazetteer import Gazetteer
from lifeline.claims.readings import (
    NUM_NEGATION,
    baseline_reading,
    classify,
    drop_denominators,
    named_whole,
    rate_subject,
    reading_of,
    requirement_phrase,
    truck_reading,
)
from lifeline.claims.records import Claim, Extraction, NotCheckable
from lifeline.claims.rules import Indicator, Rules
from lifeline.claims.sentences import split
from lifeline.claims.statuses import status_claims
from lifeline.claims.timing import DATELINE_WEEKDAY, future_reason, since_event, without_dateline_weekday
from lifeline.claims.unknown_places import unknown_places
from lifeline.claims.unsupported import unsupported_reason

__all__ = ["Claim", "Extraction", "NotCheckable", "extract"]

# A sentence is only examined when it has a figure-like token, a topic word, or one of the crossing-status words
# of claims.toml (_examined): "The South road is restricted." holds none of the words below.
_TRIGGER = re.compile(
    r"\d|\b(?:dozens?|hundreds|thousands|millions|scores|handful|half|third|quarter|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty)\b"
    r"|clos|open|shut|seal|block|crossing|border|hospital|truck|displac|fled|flee|cal(?:orie)?s?\b"
    r"|معبر|مستشف|عشرات|مئات|آلاف|مليون|أغلق|مغلق|فتح|افتت|شاحن|نازح|نزح|نصف|ثلث|ربع|أرباع",
    re.IGNORECASE,
)



def _examined(sentence: str, rules: Rules) -> bool:
    return bool(_TRIGGER.search(sentence)) or any(p.search(sentence) for p in rules.status_words.values())


_DENOM_PHRASE = re.compile(r"^" + qty.DENOM_LEAD + r"[\d,]+", re.IGNORECASE)


# Topics a sentence can speak of without a figure ("most hospitals are out of service"): listed as not checkable.
_NO_FIGURE_TOPICS = (
    "hospitals_not_functioning",
    "hospitals_functioning",
    "share_of_needs",
    "trucks_per_day",
    "trucks_total",
    "kcal_per_person",
    "fled",
    "displaced",
)


# A number word right before one of these nouns is a figure even when no indicator can be checked.
_COUNTED_NOUN = re.compile(
    r"\s*(?:[\w-]+\s+)?(?:hospitals?|trucks?|truckloads?|people|persons|residents|families|crossings?|displaced"
    r"|مستشف|شاحن|شخص|معبر)",
    re.IGNORECASE,
)


_FAMINE = re.compile(r"\bfamine\b|مجاعة", re.IGNORECASE)


def extract(text: str, doc_date: date, gaz: Gazetteer, rules: Rules) -> Extraction:
    """Every claim in ``text`` and every figure that cannot be checked, in document order."""
    claims: list[Claim] = []
    skipped: list[NotCheckable] = []
    limit = int(rules.value("max_claims_per_document"))
    state: dict[str, Any] = {}
    head = dt.dateline(text)
    state["dateline"] = (head[0].start, head[0].end) if head else None
    if head:  # "Thursday 23 May 2024 —": the weekday is the dateline's, never a figure's period
        lead = DATELINE_WEEKDAY.search(text, max(0, head[0].start - 16), head[0].start)
        state["dateline_weekday"] = (lead.start(), lead.end()) if lead else None
    for start, end in split(text, rules.abbreviations, int(rules.value("max_sentence_chars"))):
        sentence = text[start:end]
        if not _examined(sentence, rules):
            continue
        _sentence(sentence, start, doc_date, gaz, rules, claims, skipped, state)
        if len(claims) + len(skipped) >= limit:
            return Extraction(claims[:limit], skipped[: max(0, limit - len(claims))], truncated=True)
    return Extraction(claims, skipped)


def _sentence(
    sentence: str,
    offset: int,
    doc: date,
    gaz: Gazetteer,
    rules: Rules,
    claims: list[Claim],
    skipped: list[NotCheckable],
    state: dict[str, Any] | None = None,
) -> None:
    state = {} if state is None else state
    span = (offset, offset + len(sentence))
    mentions = dt.find_dates(sentence)
    places = gaz.find(sentence)
    masked = [(m.start, m.end) for m in mentions] + [(p.start, p.end) for p in places]
    figures = qty.find(sentence, rules, masked)
    figures = drop_denominators(sentence, figures)
    head_span = state.get("dateline")
    if head_span:  # the dateline dates the document; it is not the period of the figure after it
        mentions = [m for m in mentions if (offset + m.start, offset + m.end) != tuple(head_span)]
    timed = without_dateline_weekday(sentence, offset, state.get("dateline_weekday"))
    period = dt.resolve_period(timed, mentions, doc, rules.war_start)
    phrases = dt.time_phrases(timed, mentions, doc, rules.war_start)
    attributions = find_attributions(sentence, rules)
    found = False
    last: Indicator | None = None
    last_period: dt.Period | None = None
    for i, q in enumerate(figures):
        nxt = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
        prev = figures[i - 1].end if i else 0
        head = own_clause(words_after(sentence, q, figures, i))
        before = sentence[max(prev, q.start - 90) : q.start]
        cut = clause_end(sentence, q.end, nxt)  # "…, while …" / "، بينما …" starts another assertion
        unit_head = _DENOM_PHRASE.sub("", head, count=1) if q.denominator is not None else head
        reason = unsupported_reason(unit_head, sentence[max(prev, q.start - 40) : q.start], rules)
        if reason:
            if not (q.in_words and reason == "a duration"):  # "four years ago" is not a figure claimed
                skipped.append(NotCheckable(sentence, span, q.text, f"the figure is {reason}", q.value))
            continue
        baseline, compared = baseline_reading(sentence[prev:cut], q.end - prev, rules, q.percent)
        own_head = head[: max(0, cut - q.end)] if cut < nxt else head  # a dashed aside is stepped over, not cut
        ind = classify(q, own_head, before, sentence, rules)
        notes: list[str] = (
            ["compared with the time before the war; the figure itself is read as current, not as the baseline"]
            if compared
            else []
        )
        if ind is None and last is not None and not q.percent:
            ind = last  # "906 truckloads, of which 602 came through Western Erez"
            notes.append(f"counts {ind.label}, like the figure before it in the sentence")
        if ind is None and q.in_words and not _COUNTED_NOUN.match(head):
            continue  # "one of the crossings", "at one point": a word, not a figure
        if ind is None:
            what = "a percentage of something" if q.percent else "a figure"
            skipped.append(
                NotCheckable(
                    sentence,
                    span,
                    q.text,
                    f"{what} not tied to any indicator Lifeline checks (population, displacement, "
                    "trucks, needs met, hospitals, crossings, IPC phases)",
                    q.value,
                )
            )
            continue
        if ind.name in {"trucks_per_day", "trucks_total"}:
            ind = truck_reading(q, head, sentence[max(prev, q.start - 40) : q.start], rules, baseline)
            if ind.name == "trucks_total" and rate_subject(sentence[: q.start], head):
                ind = rules.indicators["trucks_per_day"]
        last = ind
        reading = reading_of(ind, baseline)
        if ind.name == "kcal_per_person" and requirement_phrase(own_before(before), own_head):
            reading = "requirement per person per day"  # "the 2,100 minimum", "a requirement of 2,100 kcal"
        share_of = named_whole(sentence, q, figures[i + 1] if i + 1 < len(figures) else None, rules)
        if share_of is not None and ind.kind == "share":
            notes.append(
                f"a share of the {share_of.text} trucks a day the statement itself names: judged against that figure, "
                "not the store's need or baseline"
            )
        if q.qualifier_kind == "range":
            notes.append(f"read as one claim, the range {qty.fmt_bound(q.low)} to {qty.fmt_bound(q.high)}")
        # Only places in the figure's own clause (between its neighbours) can be its area.
        own_lo = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, prev, q.start)), default=prev)
        place, basis = area_of([m for m in places if prev <= m.start < cut], q.start, ind, rules, gaz, own_lo, sentence)
        also = crossings_with([m for m in places if prev <= m.start < cut], place, ind, sentence)
        own_places = shifted_mentions(places, prev)
        unknown = unknown_places(sentence[prev:cut], own_places, rules) if basis == "default" else []
        if unknown:
            skipped.append(NotCheckable(sentence, span, q.text, unknown_reason(unknown, place), q.value))
            continue
        found = True
        own = dt.own_phrase(sentence, phrases, prev, q.start, q.end, nxt)
        if baseline and ind.kind != "share":
            eve = rules.war_start - timedelta(days=1)
            fig_period = dt.Period(eve, eve, "before the war (pre-war baseline; claims.toml war_start)")
        elif own is not None:
            fig_period = last_period = own.period
        elif last_period is not None:  # "30 trucks a day in October, about 6% of ..." -> the 6% is for October too
            fig_period = last_period
        elif phrases and all(p.start >= cut for p in phrases):  # the only time words are another clause's
            fig_period = dt.Period(doc, doc, "document date (the time words of the sentence are another clause's)")
        else:
            fig_period = period
        fig_period = since_event(sentence[prev:cut], place.code, fig_period, doc, rules)
        if fig_period.start > doc:
            skipped.append(NotCheckable(sentence, span, q.text, future_reason(fig_period), q.value))
            continue
        low, high = q.low, None if q.high == qty.INF else q.high
        kind, qualifier = q.qualifier_kind, q.qualifier
        lead = sentence[max(prev, q.start - 90) : q.start]
        negated = bool(NUM_NEGATION.search(lead)) or (
            kind == "lower" and bool(re.search(r"\bnot\s*$|(?<!\w)لا\s*$", lead))
        )
        if negated and kind in {"exact", "approx", "near", "lower"}:
            low, high, kind = 0.0, q.value, "upper"  # "did not exceed 100 trucks", "never reached 200"
            qualifier = (qualifier or "") + " (negated)"
        claims.append(
            Claim(
                text=sentence,
                span=span,
                figure=q.text,
                figure_span=(offset + q.start, offset + q.end),
                indicator=ind,
                area=place,
                area_basis=basis,
                period=fig_period,
                value=q.value,
                low=low,
                high=high,
                qualifier=qualifier,
                qualifier_kind=kind,
                denominator=q.denominator,
                notes=notes,
                reading=reading,
                attribution=nearest_attribution(attributions, q.start, sentence),
                negated=negated,
                share_of=share_of.value if share_of is not None and ind.kind == "share" else None,
                share_of_figure=share_of.text if share_of is not None and ind.kind == "share" else None,
                also=also,
            )
        )
    found = status_claims(
        sentence, offset, span, places, mentions, period, doc, rules, claims, state, skipped, timed
    ) or found
    if not found and not figures and _FAMINE.search(sentence):
        skipped.append(
            NotCheckable(
                sentence,
                span,
                None,
                "speaks of famine: the store holds IPC phase populations, not famine determinations, and no figure "
                "is stated",
            )
        )
        return
    if not found and not figures:
        for name in _NO_FIGURE_TOPICS:
            ind = rules.indicators.get(name)
            if ind and any(p.search(sentence) for p in ind.patterns):
                skipped.append(
                    NotCheckable(sentence, span, None, f"speaks of {ind.label} but states no figure or status to check")
                )
                break
