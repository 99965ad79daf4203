"""Extraction: sentences -> claims (figure, bounds, indicator, area, period) and the figures that
cannot be checked, each with its reason. Pure text work: no store access beyond the gazetteer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from lifeline.claims import dates as dt
from lifeline.claims import quantities as qty
from lifeline.claims.gazetteer import Gazetteer, Mention, Place
from lifeline.claims.past_states import days_before, is_past_state
from lifeline.claims.relative import AR_WEEKDAY
from lifeline.claims.rules import Attribution, Indicator, Rules
from lifeline.claims.sentences import split
from lifeline.claims.unknown_places import unknown_places

# A sentence is only examined when it has a figure-like token or a crossing-status word.
_TRIGGER = re.compile(
    r"\d|\b(?:dozens?|hundreds|thousands|millions|scores|handful|half|third|quarter|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|fifty)\b"
    r"|clos|open|shut|seal|block|crossing|border|hospital|truck|displac|fled|flee|cal(?:orie)?s?\b"
    r"|معبر|مستشف|عشرات|مئات|آلاف|مليون|أغلق|مغلق|فتح|افتت|شاحن|نازح|نزح|نصف|ثلث|ربع|أرباع",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"(?:\bnot|n't|\bnever|\bno longer|\bfailed to|\byet to|(?<!\w)لم(?!\s+[يت]زل)|(?<!\w)لا(?!\s+[يت]زال))"
    r"\s+(?:\w+\s+)?$",
    re.IGNORECASE
)
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
_FAMINE = re.compile(r"\bfamine\b|مجاعة", re.IGNORECASE)


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
    reading: str = "count"  # count | total | per day | share | baseline per day | baseline | status
    attribution: Attribution | None = None
    negated: bool = False
    share_of: float | None = None  # "half of the 200 trucks a day that … needs": the whole the statement names
    share_of_figure: str | None = None

    def reading_dict(self) -> dict[str, Any]:
        """What the figure was judged as, so a reader can see a misreading."""
        return {
            "indicator": self.indicator.name,
            "unit": self.indicator.unit,
            "reading": self.reading,
            "qualifier": self.qualifier,
            "bounds_kind": self.qualifier_kind,
            "period": self.period.as_dict(),
            "area": self.area.code,
            "area_name": self.area.name,
            "area_basis": self.area_basis,
            "attribution": self.attribution.name if self.attribution else None,
            "negated": self.negated,
            "share_of": (
                {"figure": self.share_of_figure, "value": self.share_of} if self.share_of is not None else None
            ),
        }


@dataclass
class NotCheckable:
    text: str
    span: tuple[int, int]
    figure: str | None
    reason: str
    value: float | None = None  # the number the figure stands for, when it has one

    @property
    def shown(self) -> str | None:
        """The figure as written; one in words carries its value in digits ("four (4)", "مئات (200)")."""
        if self.figure is None or self.value is None or any(ch.isdigit() for ch in self.figure):
            return self.figure
        return f"{self.figure} ({self.value:g})"

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "figure": self.shown, "value": self.value,
                "reason": self.reason}


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
    state: dict[str, Any] = {}
    head = dt.dateline(text)
    state["dateline"] = (head[0].start, head[0].end) if head else None
    if head:  # "Thursday 23 May 2024 —": the weekday is the dateline's, never a figure's period
        lead = _DATELINE_WEEKDAY.search(text, max(0, head[0].start - 16), head[0].start)
        state["dateline_weekday"] = (lead.start(), lead.end()) if lead else None
    for start, end in split(text, rules.abbreviations, int(rules.value("max_sentence_chars"))):
        sentence = text[start:end]
        if not _TRIGGER.search(sentence):
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
    figures = _drop_denominators(sentence, figures)
    head_span = state.get("dateline")
    if head_span:  # the dateline dates the document; it is not the period of the figure after it
        mentions = [m for m in mentions if (offset + m.start, offset + m.end) != tuple(head_span)]
    timed = _without_dateline_weekday(sentence, offset, state.get("dateline_weekday"))
    period = dt.resolve_period(timed, mentions, doc, rules.war_start)
    phrases = dt.time_phrases(timed, mentions, doc, rules.war_start)
    attributions = _attributions(sentence, rules)
    found = False
    last: Indicator | None = None
    last_period: dt.Period | None = None
    for i, q in enumerate(figures):
        nxt = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
        prev = figures[i - 1].end if i else 0
        head = _own_clause(_head(sentence, q, figures, i))
        before = sentence[max(prev, q.start - 90) : q.start]
        cut = _clause_end(sentence, q.end, nxt)  # "…, while …" / "، بينما …" starts another assertion
        unit_head = _DENOM_PHRASE.sub("", head, count=1) if q.denominator is not None else head
        reason = _unsupported(unit_head, sentence[max(prev, q.start - 40) : q.start], rules)
        if reason:
            if not (q.in_words and reason == "a duration"):  # "four years ago" is not a figure claimed
                skipped.append(NotCheckable(sentence, span, q.text, f"the figure is {reason}", q.value))
            continue
        baseline, compared = _baseline_reading(sentence[prev:cut], q.end - prev, rules, q.percent)
        own_head = head[: max(0, cut - q.end)] if cut < nxt else head  # a dashed aside is stepped over, not cut
        ind = _classify(q, own_head, before, sentence, rules)
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
            ind = _truck_reading(q, head, sentence[max(prev, q.start - 40) : q.start], rules, baseline)
            if ind.name == "trucks_total" and _rate_subject(sentence[: q.start], head):
                ind = rules.indicators["trucks_per_day"]
        last = ind
        reading = _reading(ind, baseline)
        if ind.name == "kcal_per_person" and _requirement_phrase(_own_before(before), own_head):
            reading = "requirement per person per day"  # "the 2,100 minimum", "a requirement of 2,100 kcal"
        share_of = _named_whole(sentence, q, figures[i + 1] if i + 1 < len(figures) else None, rules)
        if share_of is not None and ind.kind == "share":
            notes.append(
                f"a share of the {share_of.text} trucks a day the statement itself names: judged against that figure, "
                "not the store's need or baseline"
            )
        if q.qualifier_kind == "range":
            notes.append(f"read as one claim, the range {qty.fmt_bound(q.low)} to {qty.fmt_bound(q.high)}")
        # Only places in the figure's own clause (between its neighbours) can be its area.
        own_lo = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, prev, q.start)), default=prev)
        place, basis = _area([m for m in places if prev <= m.start < cut], q.start, ind, rules, gaz, own_lo, sentence)
        unknown = unknown_places(sentence[prev:cut], _shifted(places, prev), rules) if basis == "default" else []
        if unknown:
            skipped.append(NotCheckable(sentence, span, q.text, _unknown_reason(unknown, place), q.value))
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
        fig_period = _since_event(sentence[prev:cut], place.code, fig_period, doc, rules)
        if fig_period.start > doc:
            skipped.append(NotCheckable(sentence, span, q.text, _future_reason(fig_period), q.value))
            continue
        low, high = q.low, None if q.high == qty.INF else q.high
        kind, qualifier = q.qualifier_kind, q.qualifier
        lead = sentence[max(prev, q.start - 90) : q.start]
        negated = bool(_NUM_NEGATION.search(lead)) or (
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
                attribution=_nearest_attribution(attributions, q.start, sentence),
                negated=negated,
                share_of=share_of.value if share_of is not None and ind.kind == "share" else None,
                share_of_figure=share_of.text if share_of is not None and ind.kind == "share" else None,
            )
        )
    found = _status_claims(
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


_DATELINE_WEEKDAY = re.compile(
    r"(?:(?<!\w)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?<!\w)" + AR_WEEKDAY + r")[\s,،]*$",
    re.IGNORECASE,
)


def _without_dateline_weekday(sentence: str, offset: int, weekday: tuple[int, int] | None) -> str:
    """The sentence with the dateline's weekday blanked (same length, so every offset holds) for the time words."""
    if weekday is None or not offset <= weekday[0] < offset + len(sentence):
        return sentence
    a, b = weekday[0] - offset, min(weekday[1] - offset, len(sentence))
    return sentence[:a] + " " * (b - a) + sentence[b:]


def _future_reason(period: dt.Period) -> str:
    return (
        f"about a time after the document date ({period.basis}): a plan or a forecast, which the store's records "
        "of what happened cannot check"
    )


def _shifted(places: list[Mention], by: int) -> list[Mention]:
    """The mentions with their offsets counted from ``by`` (the start of a clause)."""
    return [Mention(m.start - by, m.end - by, m.text, m.places, m.crossing_word) for m in places]


def _unknown_reason(names: list[str], default: Place) -> str:
    return (
        f"a place not in the store ({', '.join(names)}): the figure is about a place the store does not hold (or "
        f"another crisis), so it is not judged against the {default.name}'s figures (import that place or "
        "context to check it)"
    )


_NUM_NEGATION = re.compile(
    r"(?:\bnot|n't|\bnever|\bfailed to|\bno)\s+(?:even\s+)?"
    r"(?:reach(?:ed)?|exceed(?:ed)?|top(?:ped)?|surpass(?:ed)?|pass(?:ed)?"
    r"|come close to|approach(?:ed)?|more than|over)\s*$"
    # Arabic puts the verb first: "لم يتجاوز ما يتوفر للفرد 1500 سعرة", "لم تتجاوز الشاحنات … 90" (its subject
    # between the negated verb and the figure, within the clause)
    r"|(?<!\w)(?:لم|لا)\s+(?:\S+\s+)?(?:يتجاوز|يتعد|يصل|تتجاوز|تتعد|تصل|يزد|تزد)\S*(?:\s+[^\s،,.؛;:]+){0,10}\s*$",
    re.IGNORECASE,
)


# "more than before the war", "compared with pre-war levels", "أكثر مما كان قبل الحرب": the pre-war
# words after a figure are the object of a comparison, so the figure is the current one.
_COMPARATIVE = re.compile(
    r"(?:\bthan|\bcompared (?:with|to)|\bin comparison (?:with|to)|\brelative to|\bup from|\bdown from"
    r"|\bversus|\bvs\.?|مما|عما|مقارنة\s*(?:ب|مع)|بالمقارنة\s*(?:ب|مع))(?:\s+\S+){0,3}?\s*(?:the\s+)?$",
    re.IGNORECASE,
)


# A clause break after a figure: what follows asserts something else ("58 trucks a day, while before the
# war 500 …", "500 شاحنة يومياً، وإن مخازنه في رفح …", "300 ألف شخص، بعد أن نزح …").
_CLAUSE_BREAK = re.compile(
    r"[;؛]|[,،]\s*(?:and|but|while|whereas|after|as|فيما|بينما|بعد|لكن|حيث|إذ)(?!\w)"
    r"|[,،]\s*و(?:إن|أن|قد|لكن|كان|كانت|هو|هي|ذلك|في|من|[يتأن](?=\w))"
    r"|(?<!\w)(?:فيما|بينما|while|whereas)(?!\w)",
    re.IGNORECASE,
)


def _clause_end(sentence: str, start: int, end: int) -> int:
    """Where the clause that starts at ``start`` ends, at most at ``end``."""
    m = _CLAUSE_BREAK.search(sentence, start, end)
    return m.start() if m else end


def _own_before(before: str) -> str:
    """The words before a figure within its own clause ("…، فيما تعمل" -> "تعمل")."""
    parts = _CLAUSE_BREAK.split(before)
    return parts[-1] if parts else before


def _since_event(clause: str, area: str, period: dt.Period, doc: date, rules: Rules) -> dt.Period:
    """"Since the start of the operation": from the start of the latest event in the figure's area (claims.toml
    [events]) to the end of the period the clause gives (the document date, or "yesterday")."""
    m = rules.since_event.search(clause) if rules.since_event else None
    if m is None:
        return period
    events = [e for e in rules.events if area in e.places and e.start <= min(period.end, doc)]
    if not events:
        return period
    event = max(events, key=lambda e: e.start)
    return dt.Period(event.start, period.end, f"{m.group(0)} ({event.name} from {event.start}, claims.toml [events])")


def _baseline_reading(clause: str, fig_end: int, rules: Rules, percent: bool = False) -> tuple[bool, bool]:
    """(is the figure a pre-war baseline, is it compared with one): pre-war words in the figure's
    own clause make it a baseline unless, after the figure, a comparative introduces them. A percentage
    is a share *of* what it names ("6 في المئة مما كان يدخل قبل الحرب" is 6 % of the pre-war flow)."""
    if rules.baseline_re is None:
        return False, False
    m = rules.baseline_re.search(clause)
    if m is None:
        return False, False
    if m.start() >= fig_end and not percent and _COMPARATIVE.search(clause[fig_end : m.start()]):
        return False, True
    return True, False


def _truck_reading(q: qty.Quantity, head: str, before: str, rules: Rules, baseline: bool) -> Indicator:
    """Trucks per day only when the figure itself says so ("58 trucks a day", "a daily average of
    58"); otherwise a count over its period ("in May, 1,200 trucks entered"). A pre-war figure is a
    baseline, quoted per day."""
    per_day = bool(rules.rate_after and rules.rate_after.search(head)) or bool(
        rules.rate_before and rules.rate_before.search(before)
    )
    if baseline and "trucks_prewar" in rules.indicators:
        return rules.indicators["trucks_prewar"]
    return rules.indicators["trucks_per_day" if per_day else "trucks_total"]


# The rate named once, in the subject, before the figures it takes: "Trucks per day rose from around 100 in
# December to about 150 in January", "The daily average of trucks fell to 80", "ارتفع المعدل اليومي للشاحنات من
# 100 إلى 150". A figure followed by its own counted noun ("… and 3,000 trucks entered") is a count of its own.
_RATE_SUBJECT = re.compile(
    r"\b(?:trucks?|truckloads?|lorries|(?:truck |aid )?(?:entries|arrivals|deliveries|crossings))"
    r"\s+(?:per|a|each)\s+day\b"
    r"|\bdaily\s+(?:[\w-]+\s+){0,2}?(?:trucks?|truckloads?|entries|arrivals|deliveries|average|number|count|rate)\b"
    r"|\b(?:the )?(?:average|number|count) of (?:aid )?trucks (?:per|a|each) day\b"
    r"|(?:المعدل|المتوسط|العدد) اليومي|(?:معدل|متوسط|عدد) الشاحنات (?:اليومي|يوميا|يومياً|في اليوم)",
    re.IGNORECASE,
)
_OWN_NOUN = re.compile(r"^\s*(?:[\w-]+\s+)?(?:trucks?|truckloads?|lorries|شاحنة|شاحنات)(?!\w)", re.IGNORECASE)


_GAP_BREAK = re.compile(r"[,،;؛.]|\band\b|(?<!\w)و(?=\S)|(?<!\w)و\s", re.IGNORECASE)


def _rate_subject(before: str, head: str) -> bool:
    """The figure is the rate its subject names; a counted noun after it makes it a count of its own unless it
    completes that subject directly ("لا يتجاوز عدد الشاحنات اليومي 100 شاحنة", "the daily number of trucks
    was 80 trucks")."""
    found = list(_RATE_SUBJECT.finditer(before))
    if not found:
        return False
    if not _OWN_NOUN.match(head):
        return True
    gap = before[found[-1].end() :]
    return not _GAP_BREAK.search(gap) and len(gap.split()) <= 6


def _reading(ind: Indicator, baseline: bool) -> str:
    if ind.kind == "share":
        return "share of a baseline" if baseline else "share"
    if ind.name == "trucks_prewar":
        return "baseline per day"
    if baseline:
        return "baseline"
    return {"rate": "per day", "total": "total over the period", "coverage": "per person per day"}.get(
        ind.kind, "count on the date"
    )


def _attributions(sentence: str, rules: Rules) -> list[tuple[int, Attribution]]:
    """Sources the sentence attributes figures to: a source's name with a reporting word near it."""
    cue = rules.attribution_cue
    if cue is None:
        return []
    out: list[tuple[int, Attribution]] = []
    taken: list[tuple[int, int]] = []
    for att in rules.attributions:
        for m in att.names.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            around = sentence[max(0, m.start() - 30) : m.end() + 30]
            if cue.search(around):
                out.append((m.start(), att))
                taken.append((m.start(), m.end()))
    return out


# Words that set one clause's source against another's: "UNRWA recorded 4,400 … while COGAT put it at 5,200".
_CONTRAST = re.compile(r"\b(?:while|whereas|but|however)\b|(?<!\w)(?:بينما|فيما|لكن|في حين)(?!\w)", re.IGNORECASE)


def _nearest_attribution(found: list[tuple[int, Attribution]], at: int, sentence: str = "") -> Attribution | None:
    """The source of the figure's own clause, else the nearest one not across a contrast ("…, while COGAT …"):
    attribution ends at a clause break."""
    if not found:
        return None
    lo = max((m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)), default=0)
    hi = _clause_end(sentence, at, len(sentence))
    own = [p for p in found if lo <= p[0] < hi]
    reachable = own or [
        p for p in found if not _CONTRAST.search(sentence[min(p[0], at) : max(p[0], at)])
    ]
    return min(reachable, key=lambda p: abs(p[0] - at))[1] if reachable else None


def _nearest_before(sentence: str, before: list[dt.DateMention]) -> list[dt.DateMention]:
    """The date phrase closest before a figure, or the last two when they form a range."""
    if len(before) >= 2 and re.fullmatch(
        r"\s*(?:to|until|till|and|-|–|through)\s*", sentence[before[-2].end : before[-1].start], re.IGNORECASE
    ):
        return before[-2:]
    return before[-1:]


def _drop_denominators(sentence: str, figures: list[qty.Quantity]) -> list[qty.Quantity]:
    out: list[qty.Quantity] = []
    for q in figures:
        if (
            out
            and out[-1].denominator is not None
            and re.fullmatch(qty.DENOM_LEAD, sentence[out[-1].end : q.start], re.IGNORECASE)
        ):
            continue
        out.append(q)
    return out


_IPC = ("ipc_phase5", "ipc_phase4", "ipc_phase3plus")


_OTHER_COUNT = "a count of something"


_CURRENCY_BEFORE = re.compile(r"(?<![^\s(])(\w{0,3}[$€£₪])\s*$")


def _unsupported(head: str, before: str, rules: Rules) -> str | None:
    """Why a figure cannot be checked, if it cannot: its unit, else its topic. A generic count
    ("four soldiers") yields to a topic beside it ("killed four soldiers" is a casualty figure)."""
    sign = _CURRENCY_BEFORE.search(before)
    if sign:  # "US$2.8 billion", "€40 million": the unit is written before the figure
        for reason, pat in rules.unsupported_units:
            if pat.match(sign.group(1)):
                return reason
    other = None
    for reason, pat in rules.unsupported_units:
        if pat.search(head):
            if not reason.startswith(_OTHER_COUNT):
                return reason
            other = other or reason
    topic = _unsupported_topic(head, before, rules)
    return topic or other


def _unsupported_topic(head: str, before: str, rules: Rules) -> str | None:
    window = before + " " + head[:60]
    ipc = any(p.search(window) for n in _IPC if n in rules.indicators for p in rules.indicators[n].patterns)
    for reason, pat in rules.unsupported_topics:
        if ipc and reason.startswith("hunger"):
            continue  # "1.1 million people face catastrophic hunger (IPC Phase 5)" is checked
        if pat.search(window):
            return f"about {reason}"
    return None


_APPOSITIVE = re.compile(
    r"[,،]\s*(?:(?:nearly|almost|virtually|practically)\s+all|the (?:vast |overwhelming )?majority"
    r"|most|many|some|all|half|mostly|mainly|largely|including|among them|of whom)\b[^,;،]*(?:[,،]|$)"
    r"|[,،]\s*(?:و?(?:معظمهم|أغلبهم|غالبيتهم|جميعهم|كلهم|بينهم|منهم|من بينهم|أكثرهم))(?!\w)[^,;،]*(?:[,،]|$)",
    re.IGNORECASE,
)


_DASHED = re.compile(r"\s[-–—]\s[^-–—]{1,80}?\s[-–—]\s")


def _head(sentence: str, q: qty.Quantity, figures: list[qty.Quantity], i: int) -> str:
    """The words after a figure up to the next figure, stepping over a figure set off by dashes
    ("1.7 million Gazans - 75% of the population - are displaced" speaks of displaced people)."""
    nxt = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
    text = sentence[q.end : min(nxt, q.end + 90)]
    for m in _DASHED.finditer(sentence, q.end, min(len(sentence), q.end + 120)):
        if m.start() <= nxt < m.end():
            after = figures[i + 2].start if i + 2 < len(figures) else len(sentence)
            return sentence[q.end : m.start()] + " " + sentence[m.end() : min(after, m.end() + 90)]
    return text


def _own_clause(head: str) -> str:
    """The words after a figure that still speak of it: up to a semicolon, without appositives
    ("1.4 million people were in Rafah, most of them displaced from the north" speaks of people)."""
    return _APPOSITIVE.sub(" ", head.split(";", 1)[0])


def _classify(q: qty.Quantity, head: str, before: str, sentence: str, rules: Rules) -> Indicator | None:
    """The indicator named right after the figure, else right before it; percentages only as shares."""
    if q.percent:
        share = rules.indicators.get("share_of_needs")
        if share and any(p.search(sentence) for p in share.patterns):
            return share
        return None
    # "three hospitals in Rafah, only two were functioning": the noun before, the verb after.
    found = [_first(window, rules) for window in (head, _own_before(before), before + " " + q.text + head)]
    need = rules.indicators.get("trucks_needed")
    if found[0] is not None and found[0].name in {"trucks_per_day", "trucks_total"} and need is not None:
        own = _own_before(before) + " " + q.text + head
        if any(p.search(own) for p in need.patterns):  # "we need 500 trucks a day", "يحتاج إلى 500 شاحنة"
            return need
    if any(f is not None and f.name in {"trucks_per_day", "trucks_total"} for f in found) and need is not None:
        if _NEED_LEAD.search(_own_before(before)):  # "…, while the minimum needed is 500 a day"
            return need
    for i, ind in enumerate(found):
        if ind is None:
            continue
        if ind.name == "population":  # "people" is generic: a verb before it may say more ("نزح ... شخص")
            specific = [f for f in found[i + 1 :] if f is not None and f.name != "population"]
            if specific:
                return specific[0]
        return ind
    return None


# A requirement named in the figure's own clause, right before it: "the minimum needed is 500 a day", "the
# minimum required is", "الحد الأدنى المطلوب 500 شاحنة". One in another clause names another figure.
_NEED_LEAD = re.compile(
    r"\b(?:minimum|needed|required|requirement|requirements|necessary|needs?)\b(?:\s+(?:is|are|of|at|stands at|would be"
    r"|was|be|some|about|around|roughly|at least))*\s*$"
    r"|(?:المطلوب|الحد الأدنى|اللازم|الاحتياج|الحاجة)(?:\s+(?:هو|هي|يبلغ|تبلغ|من|نحو|حوالي))*\s*$",
    re.IGNORECASE,
)
# A requirement word in the figure's own noun phrase, not in a later clause ("1,600 calories a day, well short of
# the 2,100 minimum": the 2,100 is the requirement, the 1,600 is not).
_REQUIREMENT_BEFORE = re.compile(
    r"\b(?:requirement|required|minimum|need|needs|needed|standard|require|requires)\b(?:\s+[^\s,;،؛]+){0,3}\s*$"
    r"|(?:الحد الأدنى|المطلوب|الاحتياج|حاجة|يحتاج|تحتاج|معيار)(?:\s+[^\s,;،؛]+){0,3}\s*$",
    re.IGNORECASE,
)
_REQUIREMENT_AFTER = re.compile(
    r"^(?:\s*[^\s,;،؛.]+){0,6}?\s*\b(?:requirement|required|minimum|needed|standard)\b"
    r"|^(?:\s*[^\s,;،؛.]+){0,6}?\s*(?:المطلوبة|اللازمة|كحد أدنى|الحد الأدنى)",
    re.IGNORECASE,
)


# "half of the 200 trucks a day …", "a third of the 500 trucks that entered daily before the war", "نصف الـ200
# شاحنة يومياً": a share whose whole is a per-day truck figure written right after it.
_OF_NAMED = re.compile(r"\s*(?:of\s+(?:the\s+|an?\s+)?|من\s+|(?=ال))$", re.IGNORECASE)


def _named_whole(sentence: str, q: qty.Quantity, nxt: qty.Quantity | None, rules: Rules) -> qty.Quantity | None:
    if not q.percent or nxt is None or nxt.percent or nxt.qualifier is not None:
        return None
    gap = sentence[q.end : nxt.start]
    if not _OF_NAMED.fullmatch(gap) and not re.fullmatch(r"\s*(?:ال|الـ)", gap):
        return None
    head = sentence[nxt.end : nxt.end + 60]
    if not _OWN_NOUN.match(head) or not (rules.rate_after and rules.rate_after.search(head)):
        return None  # only a per-day truck figure is a whole a daily flow can be a share of
    return nxt


def _requirement_phrase(own_before: str, own_head: str) -> bool:
    return bool(_REQUIREMENT_BEFORE.search(own_before) or _REQUIREMENT_AFTER.search(own_head))


def _first(window: str, rules: Rules) -> Indicator | None:
    """The first indicator, in the rule set's order, named in ``window``."""
    for name in rules.order:
        ind = rules.indicators[name]
        if ind.kind not in {"share", "status"} and any(p.search(window) for p in ind.patterns):
            return ind
    return None


# The way trucks took, written before a crossing's name: "through (the) Western Erez", "via Zikim", "عبر معبر زيكيم".
_ROUTE_BEFORE = re.compile(
    r"(?:\bthrough|\bvia|\bat|\bacross|\busing|\bused|\bcrossed|\bby way of|(?<!\w)عبر|من خلال|(?<!\w)من)\s+"
    r"(?:the\s+)?(?:معبر\s+|حاجز\s+)?$",
    re.IGNORECASE,
)


def _area(
    places: list[Mention], at: int, ind: Indicator, rules: Rules, gaz: Gazetteer, own_lo: int = 0, sentence: str = ""
) -> tuple[Place, str]:
    prefer_crossing = ind.name in {"trucks_per_day", "trucks_total", "trucks_prewar", "crossing_status"}
    if not prefer_crossing:  # "the Rafah crossing" is not where people live
        places = [m for m in places if not (m.crossing_word or all(p.type == "crossing" for p in m.places))]
    named_crossings = [
        m for m in places
        if m.start >= own_lo  # in the figure's own clause: "X is open, and 200 trucks entered Gaza" is Gaza's
        and _ROUTE_BEFORE.search(sentence[max(0, m.start - 24) : m.start])  # not "after the Rafah crossing began"
        and any(p.type == "crossing" for p in m.places)
        and (m.crossing_word or all(p.type == "crossing" for p in m.places))
    ]
    if prefer_crossing and ind.name != "crossing_status" and named_crossings:
        # Trucks are counted where they enter: "600 trucks entered northern Gaza through the Western Erez crossing",
        # "trucks went north through Gate 96" are the crossing's, not the area's or the direction's.
        places = named_crossings
    if places:
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
                skipped.append(NotCheckable(sentence, span, sentence[start:end], _future_reason(when)))
            found = True
            continue
        if is_past_state(sentence, start, end):
            # "reopened on Wednesday after being closed for three days": the closure is the days before
            earlier = days_before(sentence, start, end, when, rules)
            if earlier is None:
                continue
            when = earlier
        for place in [m.pick(True) for m in _conjoined(sentence, mention, crossings)]:
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
                    attribution=_nearest_attribution(_attributions(sentence, rules), start, sentence),
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


_CONJUNCTION = re.compile(r"\s*(?:,|and|&|or|nor|و)\s*(?:the\s+)?", re.IGNORECASE)


def _conjoined(sentence: str, mention: Mention, crossings: list[Mention]) -> list[Mention]:
    """The crossing a status word speaks of and those listed with it ("Kerem Shalom and Rafah crossings")."""
    ordered = sorted(crossings, key=lambda m: m.start)
    i = ordered.index(mention)
    lo = hi = i
    while lo > 0 and _CONJUNCTION.fullmatch(sentence[ordered[lo - 1].end : ordered[lo].start]):
        lo -= 1
    while hi + 1 < len(ordered) and _CONJUNCTION.fullmatch(sentence[ordered[hi].end : ordered[hi + 1].start]):
        hi += 1
    return ordered[lo : hi + 1]


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
    hi = _clause_end(sentence, end, hi)  # "X is open, and 200 trucks entered yesterday": not X's date
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
