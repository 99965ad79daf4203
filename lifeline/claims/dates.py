"""Dates in a statement: the document's own dateline, and each claim's date or period.

Relative phrases ("yesterday", "since October", "last week") resolve against the document date,
never against today's clock, so a statement checked a year later still means what it meant; the windows
of "the past week", "last week", "this week" … follow the one convention of ``relative``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from lifeline.claims.relative import RELATIVE, resolve

_EN_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_AR_MONTHS = {
    "يناير": 1,
    "كانون الثاني": 1,
    "فبراير": 2,
    "شباط": 2,
    "مارس": 3,
    "آذار": 3,
    "أبريل": 4,
    "ابريل": 4,
    "نيسان": 4,
    "مايو": 5,
    "أيار": 5,
    "يونيو": 6,
    "حزيران": 6,
    "يوليو": 7,
    "تموز": 7,
    "أغسطس": 8,
    "آب": 8,
    "سبتمبر": 9,
    "أيلول": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "تشرين الأول": 10,
    "نوفمبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "كانون الأول": 12,
}
MONTHS = {**_EN_MONTHS, **_AR_MONTHS}
_M = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
# A month written in both calendars' names, "آذار/مارس", "أيار (مايو)", "May/أيار": one month.
_MM = rf"(?:{_M})(?:\s*(?:/|\(|-|–)\s*(?:{_M})\)?)?"
_ORD = r"(?:st|nd|rd|th)?"
_Y = r"(?:19|20)\d\d(?!\d)(?:\s*م(?!\w))?"  # "2024م": the Gregorian-year mark of Arabic datelines
_DAY_OF = r"(?:of\s+|من\s+(?:شهر\s+)?|(?:شهر\s+))?"
# Arabic writes a day of the month as an ordinal word: "السابع من أيار", "الحادي والعشرين من مايو".
_AR_UNITS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع"]
AR_ORDINAL_DAYS: dict[str, int] = {w: i + 1 for i, w in enumerate(_AR_UNITS)}
AR_ORDINAL_DAYS.update({"العاشر": 10, "الحادي عشر": 11, "العشرين": 20, "الثلاثين": 30, "الحادي والعشرين": 21,
                        "الحادي والثلاثين": 31, "الاول": 1})
AR_ORDINAL_DAYS.update({f"{w} عشر": 10 + i + 1 for i, w in enumerate(_AR_UNITS) if i >= 1})
AR_ORDINAL_DAYS.update({f"{w} والعشرين": 20 + i + 1 for i, w in enumerate(_AR_UNITS) if i >= 1})
_AR_ORD = "|".join(re.escape(w) for w in sorted(AR_ORDINAL_DAYS, key=len, reverse=True))
DATE_RE = re.compile(
    rf"(?P<iso>\b(?P<iy>20\d\d|19\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b)"
    rf"|(?P<dmy>(?:(?:\b|(?<=(?<!\w)و))(?P<d1>[0-3]?\d){_ORD}|(?<!\w)(?<!النصف )(?P<ard>{_AR_ORD})(?=\s+من\s))"
    rf"(?:\s*(?:-|–|to|and|إلى|الى|حتى|و)\s*(?P<d1b>[0-3]?\d){_ORD})?\s+{_DAY_OF}(?P<m1>{_MM})(?!\w)\.?(?:,?\s+(?:(?:من\s+)?(?:عام|العام)\s+)?(?P<y1>{_Y}))?)"
    rf"|(?P<mdy>\b(?P<m2>{_MM})\b\.?\s+(?P<d2>[0-3]?\d){_ORD}\b(?![,.]\d)(?:\s*(?:-|–|to|and)\s*(?P<d2b>[0-3]?\d){_ORD}\b)?(?:,?\s+(?P<y2>{_Y}))?)"
    rf"|(?P<my>(?<!\w)(?P<m3>{_MM})(?!\w)\.?(?:\s+(?:(?:من\s+)?(?:عام|العام)\s+)?(?P<y3>{_Y}))?)",
    re.IGNORECASE,
)
_FIRST_MONTH = re.compile(_M, re.IGNORECASE)


_ABBREVIATIONS = frozenset({"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"})

def _month_of(text: str) -> int:
    """The month of "آذار/مارس" or "May": its first name decides."""
    m = _FIRST_MONTH.match(text) or _FIRST_MONTH.search(text)
    if m is None:
        raise KeyError(text)
    return MONTHS[m.group(0).lower()]


def _year(text: str | None) -> int | None:
    return int(text[:4]) if text else None


_PART = re.compile(
    r"(?<!\w)(early|mid|late|end of|beginning of|start of|(?:the )?(?:first|second) half of"
    r"|النصف الأول من|النصف الثاني من|أوائل|مطلع|بداية|منتصف|أواسط|أواخر|نهاية)[\s-]+$",
    re.IGNORECASE,
)
# The part of the month each phrase names (the day spans are _month_span's).
_PART_KEYS = {
    "beginning of": "early", "start of": "early", "أوائل": "early", "مطلع": "early", "بداية": "early",
    "منتصف": "mid", "أواسط": "mid", "أواخر": "late", "end of": "end", "نهاية": "end",
    "first half of": "first half", "the first half of": "first half", "النصف الأول من": "first half",
    "second half of": "second half", "the second half of": "second half", "النصف الثاني من": "second half",
}  # fmt: skip
_PART_LOOKBACK = 24
# Month names that are also ordinary words are only dates with a day or a year beside them.
_AMBIGUOUS_BARE = {"may", "march", "mar", "jan", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "feb", "apr"}


@dataclass(frozen=True)
class DateMention:
    """A date written in the text: day and year may be absent ("in April", "7 May")."""

    start: int
    end: int
    month: int
    day: int | None
    year: int | None
    day_end: int | None = None  # "7-28 May"
    part: str | None = None  # "early", "mid", "late", "end": a part of the month


@dataclass(frozen=True)
class Period:
    """The date or period a claim refers to, and how it was found (the phrase or the rule)."""

    start: date
    end: date
    basis: str
    # a window of full days before the document date ("the past week"): a count of people is as of the document
    before_document: bool = False

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "basis": self.basis}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def find_dates(text: str) -> list[DateMention]:
    out: list[DateMention] = []
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        try:
            if g["iso"]:
                date(int(g["iy"]), int(g["im"]), int(g["id"]))
                out.append(DateMention(m.start(), m.end(), int(g["im"]), int(g["id"]), int(g["iy"])))
            elif g["dmy"]:
                day = g["d1"] or str(AR_ORDINAL_DAYS[g["ard"]])
                out.append(_mention(m, g["m1"], day, g["y1"], g["d1b"]))
            elif g["mdy"]:
                out.append(_mention(m, g["m2"], g["d2"], g["y2"], g["d2b"]))
            elif g["my"]:
                month = g["m3"]
                if month.lower() in _AMBIGUOUS_BARE and not g["y3"] and not month[:1].isupper():
                    continue
                if month.lower() in _ABBREVIATIONS and not g["y3"] and month.isupper():
                    continue  # "MAY" in a shouted headline, "OCT" as a label
                part = _PART.search(text[max(0, m.start() - _PART_LOOKBACK) : m.start()])
                if month.lower() == "may" and not g["y3"] and not part and not _dated_context(text, m.start()):
                    continue
                year = _year(g["y3"])
                if part:
                    word = part.group(1).lower()
                    key = _PART_KEYS.get(word, word)
                    start = m.start() - (len(text[max(0, m.start() - _PART_LOOKBACK) : m.start()]) - part.start())
                    out.append(DateMention(start, m.end(), _month_of(month), None, year, part=key))
                else:
                    out.append(DateMention(m.start(), m.end(), _month_of(month), None, year))
        except (ValueError, KeyError):
            continue
    return out


def _dated_context(text: str, at: int) -> bool:
    """'May' is a month only after a word that introduces a date ("in May", "since May")."""
    before = text[max(0, at - 12) : at].lower().split()
    return bool(before) and before[-1] in {
        "in",
        "since",
        "of",
        "until",
        "till",
        "by",
        "from",
        "early",
        "late",
        "mid",
        "through",
        "during",
        "before",
        "after",
        "throughout",
        "across",
        "over",
        "for",
        "to",
        "and",
    }


def _mention(m: re.Match[str], month: str, day: str, year: str | None, day_end: str | None) -> DateMention:
    d = int(day)
    if not 1 <= d <= 31:
        raise ValueError(day)
    return DateMention(m.start(), m.end(), _month_of(month), d, _year(year), int(day_end) if day_end else None)


_PERIOD_LEAD = re.compile(
    r"(?:\b(?:between|from|since|until|till|to|and|through|before|after)\s+(?:the\s+)?"
    r"|(?<!\w)(?:منذ|بين|من|حتى|إلى|الى|قبل|بعد)\s+|(?<!\w)و)$",
    re.IGNORECASE,
)

# A preposition that makes a date the day of an event in the sentence ("closed on 6 May 2024", "يوم 6 أيار").
_DAY_LEAD = re.compile(r"(?:\b(?:on|by|as of)\s+(?:the\s+)?|(?<!\w)(?:يوم|في يوم)\s+)$", re.IGNORECASE)

_ISSUED = re.compile(
    r"\b(?:issued|published|released|dated|updated|posted)\b|(?<!\w)(?:صدر|نشر|بتاريخ)", re.IGNORECASE
)


def _issued(head: str, mention: DateMention) -> bool:
    """"Issued on 10 May 2024", or a date after "on" ending its line with no full stop (a heading): the
    document's date after all."""
    line_start = head.rfind("\n", 0, mention.start) + 1
    line_end = head.find("\n", mention.end)
    rest = head[mention.end : line_end if line_end >= 0 else len(head)]
    heading = not rest.strip(" :-–—,،")  # nothing after the date on its line, not even a full stop
    return heading or bool(_ISSUED.search(head[line_start : mention.start]))


def dateline(text: str, head_chars: int = 1500) -> tuple[DateMention, date] | None:
    """The dateline: the first full date (day, month and year) near the top of the document, with
    where it stands (it dates the document; it is not the period of a figure beside it)."""
    head = text[:head_chars]
    for mention in find_dates(head):
        if mention.day_end or _PERIOD_LEAD.search(head[max(0, mention.start - 12) : mention.start]):
            continue  # "between 7 and 28 May 2024", "from 1 April to 6 May 2024": a period, not the dateline
        if _DAY_LEAD.search(head[max(0, mention.start - 12) : mention.start]) and not _issued(head, mention):
            continue  # "was shut on 6 May 2024": the date of what the sentence says, not the document's
        if mention.day and mention.year:
            try:
                return mention, date(mention.year, mention.month, mention.day)
            except ValueError:
                continue
    return None


def document_date(text: str, head_chars: int = 1500) -> date | None:
    """The date of the dateline, if the document has one."""
    found = dateline(text, head_chars)
    return found[1] if found else None


def _year_for(month: int, day: int, doc: date) -> int:
    """A date written without a year is the latest such date not after the document date."""
    try:
        candidate = date(doc.year, month, min(day, calendar.monthrange(doc.year, month)[1]))
    except ValueError:
        return doc.year
    return doc.year if candidate <= doc else doc.year - 1


def _as_day(m: DateMention, doc: date) -> date:
    day = m.day or 1
    year = m.year or _year_for(m.month, day, doc)
    return date(year, m.month, min(day, calendar.monthrange(year, m.month)[1]))


def _month_span(m: DateMention, doc: date) -> tuple[date, date]:
    """The month, or its part: early = days 1-10, mid = 11-20, late = 21 to the end, end = last 5 days,
    first half = 1-15, second half = 16 to the end (docs/claims.md)."""
    year = m.year or _year_for(m.month, 1, doc)
    last = calendar.monthrange(year, m.month)[1]
    parts = {
        "early": (1, 10),
        "mid": (11, 20),
        "late": (21, last),
        "end": (last - 4, last),
        "first half": (1, 15),
        "second half": (16, last),
    }
    first_day, last_day = parts.get(m.part or "", (1, last))
    return date(year, m.month, first_day), date(year, m.month, last_day)


_REL = RELATIVE


def resolve_period(sentence: str, mentions: list[DateMention], doc: date, war_start: date) -> Period:
    """The period a sentence speaks of, from its own words, resolved against the document date."""
    low = sentence.lower()
    # Explicit ranges: "from 1 April to 6 May", "between 7 and 28 May", "7-28 May".
    for m in mentions:
        if m.day and m.day_end:
            start = _as_day(m, doc)
            end = start.replace(day=min(m.day_end, calendar.monthrange(start.year, start.month)[1]))
            if end >= start:
                return Period(start, end, sentence[m.start : m.end].strip())
    if len(mentions) >= 2:
        a, b = mentions[0], mentions[1]
        between = low[a.end : b.start]
        if re.search(r"^\s*(?:to|until|till|and|-|–|through|إلى|الى|حتى|و)\s*$", between):
            if a.year is None and b.year is not None:  # "from 1 April to 6 May 2024": the range's year
                a = replace(a, year=b.year if a.month <= b.month else b.year - 1)
            start = _as_day(a, doc) if a.day else _month_span(a, doc)[0]
            end = _as_day(b, doc) if b.day else _month_span(b, doc)[1]
            if end >= start:
                return Period(start, end, sentence[a.start : b.end].strip())
    for m in mentions:
        before = low[max(0, m.start - 12) : m.start]
        since = _SINCE_EVENT.search(low[max(0, m.start - 64) : m.start])
        if re.search(r"\b(?:since|from|after)\s+(?:the\s+)?$", before) or re.search(r"منذ\s*$", before) or since:
            start = _as_day(m, doc) if m.day else _month_span(m, doc)[0]
            if start <= doc:
                lead = len(since.group(0)) if since else 6
                return Period(start, doc, sentence[max(0, m.start - lead) : m.end].strip())
    rel = _REL.search(sentence)
    if rel:
        found = resolve(rel, doc, war_start, low[max(0, rel.start() - 40) : rel.end()])
        if found is not None:
            return Period(*found)
    for m in mentions:
        if m.day:
            d = _as_day(m, doc)
            if re.search(r"\b(?:before|until|till|up to|prior to)\s+$", low[max(0, m.start - 12) : m.start]):
                d = d - timedelta(days=1)
                return Period(d, d, sentence[max(0, m.start - 7) : m.end].strip())
            return Period(d, d, sentence[m.start : m.end].strip())
        start, end = _month_span(m, doc)
        return Period(start, min(end, doc) if start <= doc else end, sentence[m.start : m.end].strip())
    if rel:  # today / now / so far
        return Period(doc, doc, rel.group(0))
    return Period(doc, doc, "document date")


@dataclass(frozen=True)
class TimePhrase:
    """A date or period phrase at its place in a sentence ("since 7 May", "yesterday", "in April"),
    resolved against the document date, so each figure can take the phrase of its own clause."""

    start: int
    end: int
    period: Period


# "since it opened on 12 May", "since the pier reopened on 12 May", "منذ افتتاحه في 12 أيار": a running count from
# the date an event is said to have happened, to the document date (not that one day).
_SINCE_EVENT = re.compile(
    r"\bsince\s+(?:[\w'’-]+\s+){0,3}?(?:(?:was|were|had\s+been|been)\s+)?"
    r"(?:re)?(?:open(?:ed|ing)?|began|begun|beginning|start(?:ed|ing)?|resum(?:ed|ing)|launch(?:ed|ing)?"
    r"|clos(?:ed|ing|ure)|shut|seiz(?:ed|ing)|captur(?:ed|ing)|took\s+control|arriv(?:ed|al))(?:\s+(?:operat|work|function)\w*)?\s+(?:on|in)\s+(?:the\s+)?$"
    r"|(?<!\w)منذ\s+(?:\S+\s+){0,2}?(?:افتتاح|فتح|إعادة\s+فتح|اعادة\s+فتح|بدء|بداية|إغلاق|اغلاق|سيطرة|استئناف)\S*"
    r"(?:\s+\S+){0,4}?\s+(?:في|يوم)\s+$",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|and|-|–|through|إلى|الى|حتى|و)\s*$", re.IGNORECASE)
_LEAD = re.compile(
    r"(?:\b(?:since|from|after|before|until|till|up to|prior to|between|in|on|during|throughout|across|over|through|of"
    r"|for|by)\s+(?:the\s+)?"
    r"|منذ\s*|(?<!\w)(?:في|خلال|حتى|قبل|بعد)\s+)$",
    re.IGNORECASE,
)


def time_phrases(sentence: str, mentions: list[DateMention], doc: date, war_start: date) -> list[TimePhrase]:
    """Every date phrase and relative time phrase of a sentence, each with the period it names."""
    out: list[TimePhrase] = []
    i = 0
    while i < len(mentions):
        group = [mentions[i]]
        if i + 1 < len(mentions) and _RANGE_JOIN.match(sentence[mentions[i].end : mentions[i + 1].start]):
            group.append(mentions[i + 1])
        lead = _SINCE_EVENT.search(sentence[max(0, group[0].start - 64) : group[0].start]) or _LEAD.search(
            sentence[max(0, group[0].start - 16) : group[0].start]
        )
        lo = group[0].start - (len(lead.group(0)) if lead else 0)
        hi = group[-1].end
        clause = sentence[lo:hi]
        shifted = [DateMention(m.start - lo, m.end - lo, m.month, m.day, m.year, m.day_end, m.part) for m in group]
        try:
            period = resolve_period(clause, shifted, doc, war_start)
        except (ValueError, OverflowError):
            i += len(group)
            continue
        out.append(TimePhrase(lo, hi, period))
        i += len(group)
    taken = [(p.start, p.end) for p in out]
    for rel in _REL.finditer(sentence):
        if rel.lastgroup in {"today"} and rel.group(0).lower() in {"now", "currently", "so far", "at present"}:
            continue  # "now" is the document date, the default anyway
        if any(a <= rel.start() < b for a, b in taken):
            continue
        lo = max(0, rel.start() - 12)
        try:
            period = resolve_period(sentence[lo : rel.end()], [], doc, war_start)
        except (ValueError, OverflowError):
            continue
        out.append(TimePhrase(rel.start(), rel.end(), period))
    return sorted(out, key=lambda p: p.start)


_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\b(?:but|while|whereas|compared|against|versus|and|than)\b|،|؛|بينما|مقابل|مقارنة"
    r"|(?<!\w)و$",  # Arabic "and" written onto the figure that follows: "… 2024 و5100 شاحنة"
    re.IGNORECASE
)


# The "to" of a change between two figures ("from X in April to Y in June", "من X في نيسان إلى Y في حزيران"): a time
# phrase before it is the earlier figure's.
_CHANGE_TO = re.compile(r"(?<!\w)(?:to|إلى|الى)(?!\w)", re.IGNORECASE)


_REPORTING = re.compile(
    r"\b(?:said|says|say|told|announced|reported|stated|added|noted|according to)\b"
    r"|(?<!\w)(?:قال|قالت|أعلن|أعلنت|أفاد|أفادت|ذكر|ذكرت|أكد|أكدت)(?!\w)",
    re.IGNORECASE,
)


def own_phrase(
    sentence: str, phrases: list[TimePhrase], lo: int, fig_start: int, fig_end: int, hi: int
) -> TimePhrase | None:
    """The time phrase of a figure's own clause (between its neighbouring figures): the nearest,
    a clause break in between counting as distance, a phrase after the figure slightly preferred
    ("392 trucks entered in April"), one before it next ("In April, 392 trucks ...")."""
    best: tuple[float, TimePhrase] | None = None
    for p in phrases:
        if p.start >= fig_end and p.start < hi:
            gap = sentence[fig_end : p.start]
            score = len(gap) * 0.8
        elif p.end <= fig_start and p.end > lo:
            gap = sentence[p.end : fig_start]
            score = float(len(gap))
            if _CHANGE_TO.search(gap):  # "من 5,700 في نيسان إلى 2,600 في حزيران": April is the first figure's
                score += 60
        else:
            continue
        score += 60 * len(_CLAUSE_BREAK.findall(gap))
        if p.start >= fig_end and _REPORTING.search(gap):
            score += 200  # "…, agencies said on Monday": the day of the saying, not of the figure
        if best is None or score < best[0]:
            best = (score, p)
    return best[1] if best else None
