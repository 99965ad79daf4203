"""What a figure counts: its indicator, whether a truck figure is a total, a daily rate or the pre-war baseline, a
need or a requirement, a share of a figure the statement names, and a negated bound.
"""

from __future__ import annotations

import re

from lifeline.claims import quantities as qty
from lifeline.claims.clauses import own_before
from lifeline.claims.rules import Indicator, Rules

NUM_NEGATION = re.compile(
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


def baseline_reading(clause: str, fig_end: int, rules: Rules, percent: bool = False) -> tuple[bool, bool]:
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


def truck_reading(q: qty.Quantity, head: str, before: str, rules: Rules, baseline: bool) -> Indicator:
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


def rate_subject(before: str, head: str) -> bool:
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


def reading_of(ind: Indicator, baseline: bool) -> str:
    if ind.kind == "share":
        return "share of a baseline" if baseline else "share"
    if ind.name == "trucks_prewar":
        return "baseline per day"
    if baseline:
        return "baseline"
    return {"rate": "per day", "total": "total over the period", "coverage": "per person per day"}.get(
        ind.kind, "count on the date"
    )


def drop_denominators(sentence: str, figures: list[qty.Quantity]) -> list[qty.Quantity]:
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


def classify(q: qty.Quantity, head: str, before: str, sentence: str, rules: Rules) -> Indicator | None:
    """The indicator named right after the figure, else right before it; percentages only as shares."""
    if q.percent:
        share = rules.indicators.get("share_of_needs")
        if share and any(p.search(sentence) for p in share.patterns):
            return share
        return None
    # "three hospitals in Rafah, only two were functioning": the noun before, the verb after.
    found = [_first(window, rules) for window in (head, own_before(before), before + " " + q.text + head)]
    need = rules.indicators.get("trucks_needed")
    if found[0] is not None and found[0].name in {"trucks_per_day", "trucks_total"} and need is not None:
        own = own_before(before) + " " + q.text + head
        if any(p.search(own) for p in need.patterns):  # "we need 500 trucks a day", "يحتاج إلى 500 شاحنة"
            return need
    if any(f is not None and f.name in {"trucks_per_day", "trucks_total"} for f in found) and need is not None:
        if _NEED_LEAD.search(own_before(before)):  # "…, while the minimum needed is 500 a day"
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


def named_whole(sentence: str, q: qty.Quantity, nxt: qty.Quantity | None, rules: Rules) -> qty.Quantity | None:
    if not q.percent or nxt is None or nxt.percent or nxt.qualifier is not None:
        return None
    gap = sentence[q.end : nxt.start]
    if not _OF_NAMED.fullmatch(gap) and not re.fullmatch(r"\s*(?:ال|الـ)", gap):
        return None
    head = sentence[nxt.end : nxt.end + 60]
    if not _OWN_NOUN.match(head) or not (rules.rate_after and rules.rate_after.search(head)):
        return None  # only a per-day truck figure is a whole a daily flow can be a share of
    return nxt


def requirement_phrase(own_before: str, own_head: str) -> bool:
    return bool(_REQUIREMENT_BEFORE.search(own_before) or _REQUIREMENT_AFTER.search(own_head))


def _first(window: str, rules: Rules) -> Indicator | None:
    """The first indicator, in the rule set's order, named in ``window``."""
    for name in rules.order:
        ind = rules.indicators[name]
        if ind.kind not in {"share", "status"} and any(p.search(window) for p in ind.patterns):
            return ind
    return None
