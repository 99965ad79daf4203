"""Figures in a sentence: the number as written, its value, and the bounds its qualifier implies.

"more than 1.5 million" -> [1,500,000, open); "nearly 2,000" -> [1,800, 2,000]; "hundreds" ->
[200, 999]; "5%" -> 5 percent. Years, ordinals, document numbers and times are not figures.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from lifeline.claims.rules import Rules, _alternation

INF = math.inf


@dataclass(frozen=True)
class Quantity:
    """One figure: where it is in the sentence, what it is worth and what range it asserts."""

    start: int
    end: int
    text: str
    value: float
    low: float
    high: float  # math.inf when open above
    qualifier: str | None
    qualifier_kind: str
    percent: bool
    denominator: float | None = None  # "12 of 36 hospitals"
    in_words: bool = False  # "two", "a dozen": often not a figure at all ("one of the crossings")
    scale: float = 1.0  # the multiplier of its scale word ("5 million": 1e6), 1 without one

    def bounds(self) -> list[float | None]:
        return [self.low, None if self.high == INF else self.high]


# Arabic writes the conjunctions و/ف and the prepositions ب/ل/ك onto the word that follows, a number too, with or
# without a tatweel: "مقارنة بـ٥٠٠ شاحنة", "و500 شاحنة". The figure starts after them.
_AR_ATTACHED = (
    r"(?<=(?<!\w)[وفبلك])|(?<=(?<!\w)[وفبلك]ـ)|(?<=(?<!\w)[وف][بلك])|(?<=(?<!\w)[وف][بلك]ـ)"
    r"|(?<=(?<!\w)ال)|(?<=(?<!\w)الـ)"  # the article on a figure: "نصف الـ200 شاحنة"
)


@dataclass
class _Patterns:
    figure: re.Pattern[str]


@lru_cache(maxsize=8)
def _patterns(
    rules_id: int, scales: tuple[str, ...], words: tuple[str, ...], vague: tuple[str, ...], fractions: tuple[str, ...]
) -> _Patterns:
    scale = _alternation(scales)
    word = _alternation(words)
    vag = _alternation(vague)
    frac = _alternation(fractions)
    figure = re.compile(
        rf"(?:(?<![\w#/.,:-])|(?<=\d-)|{_AR_ATTACHED})(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d/:])"
        rf"(?:\s*(?P<scale>{scale})\b)?"
        rf"|(?<!\w)(?P<vague>{vag})(?!\w)"
        rf"|(?:(?<!\w)|(?<=(?<!\w)و))(?P<word>{word})(?!\w)(?:\s+(?P<wscale>{scale})\b)?"
        rf"|(?<!\w)(?P<frac>{frac})(?!\w)",
        re.IGNORECASE,
    )
    return _Patterns(figure)


_PERCENT = re.compile(r"^\s*(?:%|per ?cent\b|percent\b|في المئة|بالمئة|٪)", re.IGNORECASE)
# A qualifier after the figure, its counted noun and its rate ("500 trucks a day at least", "500 شاحنة يوميا على
# الأقل", "200 trucks or more", "50 أو أقل"), never one that leads the next figure ("… and at least 40 tankers").
_AFTER_WORDS = r"^\s*(?:[^\s\d.,،؛;:()]+\s+){0,3}?"
_AFTER_END = r"(?!\w)(?!\s*\d)"
_AFTER_LOWER = re.compile(
    r"^\s*(?:\+|plus\b)|" + _AFTER_WORDS + r"(?P<q>or more|and more|or above|and above|and counting|at least"
    r"|at the least|أو أكثر|او أكثر|او اكثر|أو يزيد|فأكثر|وأكثر|على الأقل|على الاقل|كحد أدنى)" + _AFTER_END,
    re.IGNORECASE,
)
_AFTER_UPPER = re.compile(
    _AFTER_WORDS + r"(?P<q>or (?:fewer|less)|at most|at the most|at the maximum"
    r"|أو أقل|او أقل|او اقل|على الأكثر|على الاكثر|كحد أقصى)" + _AFTER_END,
    re.IGNORECASE,
)
_AFTER_APPROX = re.compile(r"^\s*(?:or so|odd|-odd|approximately|roughly)\b", re.IGNORECASE)
# Arabic puts "only" after the counted noun: "١٬٩٠٠ شاحنة مساعدات فقط", "12 مستشفى فقط من أصل 36".
_AFTER_ONLY = re.compile(r"^\s*(?:[^\s\d.,،؛;]+\s+){0,3}?(?P<q>فقط|لا غير)(?!\w)")
# "12 of 36", "12 out of 36", "12 of Gaza's 36", "12 مستشفى فقط من أصل 36": the text between a figure and
# its denominator (a possessive names whose whole it is: "of the Strip's 36 hospitals").
DENOM_LEAD = (
    r"\s*(?:(?:\S+\s+){0,2}(?:out of|من أصل|من بين)|of|from)\s+"
    r"(?:the\s+|our\s+|its\s+|their\s+|(?:the\s+)?(?:[\w-]+\s+)?[\w-]+['’]s\s+)?"
)
_DENOM = re.compile(r"^" + DENOM_LEAD + r"(?P<d>\d{1,3}(?:,\d{3})+|\d+)\b", re.IGNORECASE)
_ORDINAL = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
# A number right after these words is a label, not a figure ("Resolution 2720", "Flash Update #163").
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:resolution|update|report|no|number|article|paragraph|page|section|chapter|route|gate|unit|brigade|division|phase|level|version|vol|issue|room|building|block|zone|sector|area|kilometre|km|bulletin|statement|decree)\.?|#|№)\s*$",
    re.IGNORECASE,
)
_TIME_AFTER = re.compile(r"^\s*(?:a\.?m\.?|p\.?m\.?|hrs|GMT|UTC|local time)\b", re.IGNORECASE)


# Number words written as one figure: "two hundred and fifty", "three thousand five hundred", "twenty-five",
# "مئتان وخمسون", "ثلاثة آلاف وخمسمئة". Words joined by a space, a hyphen, "and" or the Arabic و.
_COMPOUND_JOIN = r"(?:\s+and\s+|\s*-\s*|\s+و\s*|\s+)"
_HUNDRED_WORDS = {"hundred", "مئة", "مائة"}  # after a unit they multiply it ("two hundred", "ثلاث مئة")


@lru_cache(maxsize=8)
def _compound_re(tokens: tuple[str, ...]) -> re.Pattern[str]:
    tok = _alternation(tokens)
    return re.compile(rf"(?<!\w)(?:{tok})(?:{_COMPOUND_JOIN}(?:{tok}))+(?!\w)", re.IGNORECASE)


def _compound_value(words: list[str], rules: Rules) -> float | None:
    """The value of number words read as one figure, or None when they are not one (a range "مئة ومئتين",
    a list "one two"): each added part must be smaller than the one before it."""
    total, current, last_scale, last_part = 0.0, 0.0, INF, INF
    for word in words:
        w = word.lower()
        if w in rules.scales and w not in rules.number_words:
            scale = rules.scales[w]
            if scale >= last_scale:
                return None
            total += (current or 1) * scale
            current, last_scale, last_part = 0.0, scale, scale
            continue
        v = rules.number_words.get(w)
        if v is None:
            return None
        if w in _HUNDRED_WORDS and 0 < current < 10:
            current, last_part = current * 100, 100
        elif v >= 1000:
            if v >= last_scale or current:
                return None
            total, last_scale, last_part = total + v, v, v
        elif v < last_part or (current < 10 and v in {20, 30, 40, 50, 60, 70, 80, 90} and last_part < 10):
            current, last_part = current + v, v  # "خمسة وعشرون": Arabic puts the unit before the tens
        else:
            return None
    value = total + current
    return value if value >= 10 else None


def _compounds(sentence: str, rules: Rules) -> dict[int, tuple[int, float]]:
    """Where each compound number word starts: its end and its value."""
    tokens = tuple(w for w in (*rules.number_words, *rules.scales) if len(w) > 2)
    word_re = _word_re(tokens)
    out: dict[int, tuple[int, float]] = {}
    for m in _compound_re(tokens).finditer(sentence):
        words = list(word_re.finditer(sentence, m.start(), m.end()))
        i = 0
        while i < len(words) - 1:  # the longest run from each word that reads as one figure
            for j in range(len(words), i + 1, -1):
                if j < len(words) and _multiplies(words[j].group(0), rules):
                    continue  # "one hundred and | two hundred": the unit before a multiplier is its own
                value = _compound_value([w.group(0) for w in words[i:j]], rules)
                if value is not None:
                    out[words[i].start()] = (words[j - 1].end(), value)
                    i = j
                    break
            else:
                i += 1
    return out


def _multiplies(word: str, rules: Rules) -> bool:
    w = word.lower()
    return w in _HUNDRED_WORDS or (w in rules.scales and w not in rules.number_words)


@lru_cache(maxsize=8)
def _word_re(tokens: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\sو-])(?:{_alternation(tokens)})(?!\w)", re.IGNORECASE)


def find(sentence: str, rules: Rules, masked: list[tuple[int, int]] = ()) -> list[Quantity]:  # type: ignore[assignment]
    """Every figure in ``sentence`` outside the ``masked`` spans (dates, place names)."""
    pats = _patterns(
        id(rules), tuple(rules.scales), tuple(rules.number_words), tuple(rules.vague), tuple(rules.fractions)
    )
    out = _zeros(sentence, masked)
    masked = [*masked, *((z.start, z.end) for z in out)]
    compounds = _compounds(sentence, rules)
    for m in pats.figure.finditer(sentence):
        s, e = m.start(), m.end()
        if any(a <= s < b or a < e <= b for a, b in masked):
            continue
        if any(a < s < b for a, (b, _) in compounds.items()):
            continue  # a word inside a compound figure
        compound = compounds.get(s)
        if compound is not None:
            e = compound[0]
        after = sentence[e : e + 40]
        before = sentence[max(0, s - 40) : s]
        g = m.groupdict()
        percent = False
        denominator: float | None = None
        scale = 1.0
        if compound is not None:
            value = low = high = compound[1]
        elif g["num"]:
            raw = g["num"].replace(",", "")
            value = float(raw)
            if _ORDINAL.match(after) or _LABEL_BEFORE.search(before) or _TIME_AFTER.match(after):
                continue
            if not g["scale"] and "," not in g["num"] and "." not in g["num"] and 1900 <= value <= 2100:
                continue  # a year
            if g["scale"]:
                scale_word = g["scale"].lower()
                if scale_word in {"m", "k"} and re.match(r"^[²2]|^\s*(?:long|wide|high|deep)\b", after):
                    continue  # metres / lengths
                scale = rules.scales[scale_word]
                value *= scale
            low = high = value
        elif g["vague"]:
            low, high = rules.vague[g["vague"].lower()]
            value = (low + high) / 2
        elif g["word"]:
            value = rules.number_words[g["word"].lower()]
            if g["wscale"]:
                value *= rules.scales[g["wscale"].lower()]
            elif value < 100 and not re.match(r"^\s+(?:of\s+(?:the\s+)?)?\w", after):
                continue
            low = high = value
        else:
            value = rules.fractions[g["frac"].lower()]
            low = high = value
            percent = True
        pm = _PERCENT.match(after)
        if pm:
            percent = True
            e += pm.end()
            after = sentence[e : e + 40]
        dm = _DENOM.match(after)
        if dm and not percent:
            denominator = float(dm.group("d").replace(",", ""))
        qualifier, kind, q_at = _qualifier(before, rules)
        if g["vague"] and kind == "exact":
            kind = "vague"
        om = _AFTER_ONLY.match(after) if qualifier is None else None
        if om:
            qualifier, kind = om.group("q"), "exact"
        for trailing, trailing_kind in ((_AFTER_LOWER, "lower"), (_AFTER_UPPER, "upper"), (_AFTER_APPROX, "approx")):
            tm = trailing.match(after)
            if tm:  # "200 trucks or more", "50 or fewer", "300 or so"
                kind, qualifier = trailing_kind, (tm.groupdict().get("q") or tm.group(0)).strip()
                break
        low, high = _bounds(kind, value, low, high, rules)
        qs = s - len(before) + q_at if q_at is not None else s
        out.append(
            Quantity(
                start=qs,
                end=e,
                text=sentence[qs:e].strip(),
                value=value,
                low=low,
                high=high,
                qualifier=qualifier,
                qualifier_kind=kind,
                percent=percent,
                denominator=denominator,
                in_words=bool(g["word"]) and not g["wscale"] and compound is None,
                scale=scale,
            )
        )
    return _ranges(sentence, sorted(out, key=lambda q: q.start))


# "Not one truck", "not a single truck", "no trucks", "zero trucks", "لم تدخل أي شاحنة", "ولا شاحنة واحدة": a count
# of none, the figure 0 (never "one" read as 1).
_ZERO = re.compile(
    r"(?<!\w)(?P<z>not\s+(?:a\s+single|one(?:\s+single)?|any)|no|zero|none\s+of\s+the)"
    r"(?=\s+(?:[\w-]+\s+)?(?:trucks?|truckloads?|lorries)\b)"
    r"|(?<!\w)(?:لم|لا|ولم|ولا)\s+(?:\S+\s+){0,2}?(?P<za>أي|أية|أيّ)(?=\s+(?:\S+\s+)?شاحن)"
    r"|(?<!\w)و?لا\s+(?P<zw>شاحنة\s+واحدة)",
    re.IGNORECASE,
)


def _zeros(sentence: str, masked: list[tuple[int, int]]) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _ZERO.finditer(sentence):
        name = next(n for n in ("z", "za", "zw") if m.group(n))
        s, e = m.span(name)
        if name == "za":  # the negated verb is part of the figure: "لم تدخل أي"
            s = m.start()
        if any(a <= s < b for a, b in masked):
            continue
        out.append(Quantity(s, e, m.group(name), 0.0, 0.0, 0.0, None, "exact", False))
    return out


# Two figures joined as one range: "120 to 150 trucks", "100-150", "100–150", "between 4,000 and 5,000", "from 100
# to 150", "من 100 إلى 150 شاحنة", "بين 4000 و5000". A change ("rose from 100 to 150", "ارتفع من 100 إلى 150") is
# two figures, and so is a pair whose first is not below the second.
_RANGE_JOIN = re.compile(r"\s*(?:to|through|-|–|—|إلى|الى|حتى)\s*|\s*-?\s*(?:and|و)\s*", re.IGNORECASE)
_RANGE_AND = re.compile(r"\s*-?\s*(?:and|و)\s*$", re.IGNORECASE)
_RANGE_LEAD = re.compile(r"(?:\bbetween|(?<!\w)بين|\bfrom|(?<!\w)من)\s+$", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?:rose|rise[sn]?|rising|fell|fall(?:s|en|ing)?|increas\w*|decreas\w*|dropp?\w*|declin\w*|grew|grow\w*"
    r"|jump\w*|climb\w*|went (?:up|down)|plummet\w*|plung\w*|surg\w*|slump\w*|doubl\w*|halv\w*|shr[aiu]nk\w*"
    r"|recover\w*|up|down)\b(?:\s+\S+){0,8}\s*$"
    r"|(?<!\w)[وف]?(?:ارتفع|انخفض|تراجع|زاد|ازداد|هبط|قفز|تضاعف|تقلص|ارتفاع|انخفاض|تراجع|زيادة)\S*(?:\s+\S+){0,8}\s*$",
    re.IGNORECASE,
)


def _ranges(sentence: str, figures: list[Quantity]) -> list[Quantity]:
    """Adjacent figures that state one range become one figure with a low and a high bound (kind "range")."""
    out: list[Quantity] = []
    for q in figures:
        prev = out[-1] if out else None
        joined = _range_of(sentence, prev, q) if prev is not None else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(q)
    return out


def _range_of(sentence: str, a: Quantity, b: Quantity) -> Quantity | None:
    if a.qualifier_kind == "range" or a.denominator is not None:
        return None
    gap = sentence[a.end : b.start] + (b.qualifier or "" if b.qualifier in {"حتى", "up to"} else "")
    if b.qualifier not in {None, "حتى", "up to"} or not _RANGE_JOIN.fullmatch(gap):
        return None
    lead = sentence[max(0, a.start - 80) : a.start]
    if (a.in_words or b.in_words) and not _RANGE_LEAD.search(lead):
        return None  # "one to two" alone is loose talk; "between fifty and seventy", "ما بين مئة ومئتين" is a range
    if _RANGE_AND.fullmatch(gap) and not _RANGE_LEAD.search(lead):
        return None  # "120 and 150" is two figures unless "between" introduces them
    if _RANGE_LEAD.search(lead) and re.search(r"(?:from|من)\s+$", lead, re.IGNORECASE):
        if _CHANGE.search(lead[: _RANGE_LEAD.search(lead).start()]):  # type: ignore[union-attr]
            return None  # "rose from 100 to 150": a change, two figures
    scale = b.scale if a.scale == 1.0 and b.scale != 1.0 else 1.0  # "4 to 5 million": both millions
    low_a, val_a = a.low * scale, a.value * scale
    if not val_a < b.value:
        return None
    low = min(low_a, val_a)
    high = b.high
    return Quantity(
        start=a.start,
        end=b.end,
        text=sentence[a.start : b.end].strip(),
        value=(val_a + b.value) / 2,
        low=low,
        high=high,
        qualifier=a.qualifier,
        qualifier_kind="range",
        percent=a.percent or b.percent,
        denominator=b.denominator,
        scale=b.scale,
    )


def fmt_bound(v: float) -> str:
    """A bound as a person writes it: 4,000; 12.5; "no limit" above."""
    if v == INF:
        return "no limit"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _qualifier(before: str, rules: Rules) -> tuple[str | None, str, int | None]:
    """The qualifier phrase right before a figure, its kind, and where it starts in ``before``."""
    m = rules.qualifier_re.search(before)
    if not m:
        return None, "exact", None
    phrase = m.group(1)
    return phrase, rules.qualifier_kind.get(phrase.lower(), "exact"), m.start(1)


def _bounds(kind: str, value: float, low: float, high: float, rules: Rules) -> tuple[float, float]:
    """The range a qualifier asserts (vague words keep the range they already carry)."""
    if kind == "lower":
        return low, INF
    if kind == "upper":
        return 0.0, high
    if kind == "approx":
        a = rules.value("approx_margin")
        return low * (1 - a), high * (1 + a)
    if kind == "near":
        return value * (1 - rules.value("near_margin")), value
    return low, high
