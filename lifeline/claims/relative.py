"""Relative time phrases ("yesterday", "the past week", "last week", "this month", "خلال الأيام السبعة
الماضية") and the one convention they all resolve by, against the document date (docs/claims.md):

- A window of a length ("the past week", "the last 7 days", "over the past N days / weeks / months", "the past
  24 hours", "خلال الأسبوع الماضي", "آخر 7 أيام") is that many **full days before the document date**; the
  document day, still under way when the statement was written, is not counted (dated Monday 20 May, "the
  past week" is 13-19 May).
- A named calendar unit is that unit: "last week" / "the previous week" / "الأسبوع الماضي" is the Monday-to-
  Sunday week before the document's week, whatever day the document is dated (on Monday 20 May or Sunday 26
  May alike: 13-19 May); "last month" / "الشهر الماضي" the calendar month before.
- "This week" / "this month" (هذا الأسبوع، الشهر الجاري) run from the unit's first day (Monday, the 1st) to
  the day before the document date; on that first day itself, to the document day (no full day yet).
- A day named by itself is that day: "yesterday", "today", "on Saturday" (the latest Saturday up to the
  document day).
Weeks start on Monday, as the coverage engine's weeks do. Each period's basis says which rule gave it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

_AR_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_AR_NUMBER = r"[0-9٠-٩]+|(?:ال)?(?:ثلاثة|أربعة|خمسة|ستة|سبعة|ثمانية|تسعة|عشرة|أربعة عشر)"
_AR_SMALL = {"ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7, "ثمانية": 8, "تسعة": 9, "عشرة": 10,
             "أربعة عشر": 14}
_AR_PAST = r"(?:الماضية|الماضيه|الأخيرة|الاخيرة)"
_AR_DUAL = {"اليومين": 2, "الأسبوعين": 14, "الاسبوعين": 14, "الشهرين": -2}
_AR_OVER = r"(?:خلال|على مدى|على مدار|طوال|طيلة|في غضون)"

# Arabic weekday names, Monday first as in _WEEKDAYS, each with its spellings (hamza written or not).
_AR_WEEKDAY_NAMES = (
    ("الاثنين", "الإثنين"), ("الثلاثاء",), ("الأربعاء", "الاربعاء"), ("الخميس",), ("الجمعة", "الجمعه"),
    ("السبت",), ("الأحد", "الاحد"),
)
AR_WEEKDAY = _AR_WEEKDAY = "(?:" + "|".join(n for names in _AR_WEEKDAY_NAMES for n in names) + ")"
_AR_WEEKDAY_BARE = "(?:" + "|".join(n for names in _AR_WEEKDAY_NAMES[1:6] for n in names) + ")"

RELATIVE = re.compile(
    r"\b(?P<yesterday>yesterday)\b|\b(?P<today>today|this morning|tonight|currently|now|at present|so far)\b"
    r"|\b(?P<pastweek>(?:the )?past week|(?:the )?last seven days|(?:the )?past fortnight)\b"
    r"|\b(?P<lastweek>last week|previous week)\b|\b(?P<thisweek>this week)\b"
    r"|\b(?P<pastmonth>(?:the )?past month)\b"
    r"|\b(?P<lastmonth>last month|previous month)\b|\b(?P<thismonth>this month)\b"
    r"|\b(?:in|over|during|for) the (?:past|last) (?P<n>\d+|two|three|four|five|six|seven|ten|fourteen|thirty)"
    r" (?P<unit>days?|weeks?|months?)\b"
    r"|\bsince the (?P<war>start of the war|war began|beginning of the war|war started"
    r"|start of the hostilities|outbreak of the war)\b"
    r"|\b(?P<nextday>(?:next|coming|this coming) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
    r"|\b(?:on |since |last |this past |past )?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?:in|over|during)? ?the (?:past|last) (?P<hours>24|twenty-four|48|forty-eight) hours\b"
    # Arabic: windows of a length before the calendar units, so "خلال الأسبوع الماضي" is the past week
    rf"|(?P<ar_hours>(?:الساعات\s+(?:الـ\s?)?(?P<arh1>24|٢٤|48|٤٨|الأربع والعشرين|الثماني والأربعين)\s+{_AR_PAST}"
    rf"|(?:آخر|الـ\s?)\s*(?P<arh2>24|٢٤|48|٤٨)\s+ساعة(?:\s+{_AR_PAST})?))"
    rf"|(?P<ar_n>(?:الأيام|الأسابيع|الأشهر|الشهور)\s+(?:الـ\s?)?(?P<arn1>{_AR_NUMBER})\s+{_AR_PAST}"
    rf"|(?:الـ\s?)?(?P<arn2>{_AR_NUMBER})\s+(?P<aru2>أيام|يوما|يوماً|أسابيع|أشهر|شهور)\s+{_AR_PAST}"
    rf"|آخر\s+(?P<arn3>{_AR_NUMBER})\s+(?P<aru3>أيام|يوما|يوماً|أسابيع|أشهر|شهور))"
    rf"|(?P<ar_dual>(?<!\w)(?P<ard>اليومين|الأسبوعين|الاسبوعين|الشهرين)\s+(?:الماضيين|الأخيرين|الاخيرين))"
    rf"|(?P<ar_pastweek>{_AR_OVER}\s+(?:الأسبوع|الاسبوع)\s+(?:الماضي|المنصرم|الأخير))"
    rf"|(?P<ar_pastmonth>{_AR_OVER}\s+الشهر\s+(?:الماضي|المنصرم|الأخير))"
    # a weekday: "يوم الأربعاء", "الأربعاء الماضي", "أمس الثلاثاء" (yesterday, named); "الأربعاء المقبل" is to come.
    # "الأحد" and "الاثنين" are also "the one" and "the two": bare, they are weekdays only with "الماضي" after them.
    rf"|(?P<ar_nextday>(?<!\w)(?:يوم\s+)?{_AR_WEEKDAY}\s+(?:المقبل|القادم|المقبلة|القادمة))"
    r"|(?P<ar_yesterday>(?<!\w)(?:أمس|الأمس|البارحة)(?:\s+" + _AR_WEEKDAY + r")?(?!\w))"
    rf"|(?P<ar_weekday>(?<!\w)(?:(?:منذ\s+)?(?:يوم|صباح|مساء|ليلة|فجر|ظهر)\s+{_AR_WEEKDAY}"
    rf"|{_AR_WEEKDAY}\s+(?:الماضي|المنصرم|الفائت|الماضية|الفائتة)|{_AR_WEEKDAY_BARE})(?!\w))"
    r"|(?P<ar_today>(?<!\w)(?<!في )(?<!في\xa0)اليوم(?!\w))"
    r"|(?P<ar_lastweek>(?:الأسبوع|الاسبوع) (?:الماضي|المنصرم|السابق))|(?P<ar_thisweek>هذا الأسبوع|الأسبوع الجاري)"
    r"|(?P<ar_lastmonth>الشهر (?:الماضي|المنصرم|السابق))|(?P<ar_thismonth>هذا الشهر|الشهر الجاري)"
    r"|(?P<ar_war>منذ (?:بداية|بدء|اندلاع) (?:الحرب|العدوان))",
    re.IGNORECASE,
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10, "fourteen": 14,
          "thirty": 30}
_SAME = {"ar_lastweek": "lastweek", "ar_thisweek": "thisweek", "ar_lastmonth": "lastmonth",
         "ar_thismonth": "thismonth", "ar_war": "war", "ar_pastweek": "pastweek", "ar_pastmonth": "pastmonth",
         "ar_yesterday": "yesterday", "ar_today": "today"}


def _months_back(doc: date, n: int) -> date:
    """The same day ``n`` calendar months before (the month's last day when it has no such day)."""
    import calendar

    month = doc.month - n
    year = doc.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(doc.day, calendar.monthrange(year, month)[1]))


Window = tuple[date, date, str, bool]  # start, end, basis, ends before the document date


def _full_days(doc: date, days: int, phrase: str) -> Window:
    """The ``days`` full days before the document date."""
    what = "day" if days == 1 else f"{days} full days"
    return doc - timedelta(days=days), doc - timedelta(days=1), f"{phrase}: the {what} before the document date", True


def _full_months(doc: date, months: int, phrase: str) -> Window:
    start = _months_back(doc, months)
    what = "a month" if months == 1 else f"{months} months"
    end = doc - timedelta(days=1)
    return start, end, f"{phrase}: from the same day {what} earlier to the day before the document date", True


def _so_far(first: date, doc: date, phrase: str, unit: str) -> Window:
    if first >= doc:
        return doc, doc, f"{phrase}: the document day, the {unit}'s first", False
    end = doc - timedelta(days=1)
    return first, end, f"{phrase}: from the {unit}'s first day to the day before the document date", True


def _arabic_count(raw: str) -> int:
    word = raw.translate(_AR_DIGITS)
    if word.isdigit():
        return int(word)
    return _AR_SMALL[word.removeprefix("ال")]


def resolve(rel: re.Match[str], doc: date, war_start: date, context: str) -> Window | None:
    """The (start, end, basis, ends before the document date) a relative phrase names; ``context`` is the
    text just around it (for "since Monday"). None for "now" / "today" words: the document date's rule."""
    g = _SAME.get(rel.lastgroup or "", rel.lastgroup)
    phrase = rel.group(0)
    if g in {"hours", "ar_hours"}:
        raw = rel.group("hours") or rel.group("arh1") or rel.group("arh2") or ""
        n = 2 if raw.translate(_AR_DIGITS) in {"48", "forty-eight", "الثماني والأربعين"} else 1
        return _full_days(doc, n, phrase)
    if g == "yesterday":
        d = doc - timedelta(days=1)
        return d, d, phrase, False
    if g == "lastweek":
        monday = doc - timedelta(days=doc.weekday() + 7)
        return monday, monday + timedelta(days=6), f"{phrase}: the Monday-to-Sunday week before the document's", False
    if g == "pastweek":
        return _full_days(doc, 14 if "fortnight" in phrase.lower() else 7, phrase)
    if g == "thisweek":
        return _so_far(doc - timedelta(days=doc.weekday()), doc, phrase, "week")
    if g == "lastmonth":
        last = doc.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last, f"{phrase}: the calendar month before the document's", False
    if g == "pastmonth":
        return _full_months(doc, 1, phrase)
    if g == "thismonth":
        return _so_far(doc.replace(day=1), doc, phrase, "month")
    if g == "unit" or rel.group("n"):
        n_raw = rel.group("n").lower()
        n = int(n_raw) if n_raw.isdigit() else _SMALL[n_raw]
        unit = rel.group("unit").lower()
        if unit.startswith("month"):
            return _full_months(doc, n, phrase)
        return _full_days(doc, n * (7 if unit.startswith("week") else 1), phrase)
    if g == "ar_n":
        return _arabic_window(rel, doc, phrase)
    if g == "ar_dual":
        size = _AR_DUAL[rel.group("ard")]
        return _full_months(doc, -size, phrase) if size < 0 else _full_days(doc, size, phrase)
    if g == "war":
        return war_start, doc, phrase, False
    if g in {"weekday", "ar_weekday"}:
        wanted = _weekday_of(phrase)
        back = (doc.weekday() - wanted) % 7
        if back == 0 and _LAST_WEEKDAY.search(phrase):
            back = 7  # "last Wednesday" written on a Wednesday is a week before: that day itself would be "today"
        day = doc - timedelta(days=back)
        named = DAY_NAMED if back < 7 else DAY_NAMED.replace("on or before", "before")
        if re.search(r"\bsince\b|(?<!\w)منذ(?!\w)", context):
            return day, doc, f"{phrase}: from {named.removeprefix(': ')} to it", False
        return day, day, phrase + named, False
    if g in {"nextday", "ar_nextday"}:
        wanted = _weekday_of(phrase)
        day = doc + timedelta(days=(wanted - doc.weekday() - 1) % 7 + 1)
        return day, day, f"{phrase}: the first such day after the document date (to come)", False
    return None


# The basis of a day a weekday names: the latest such day on or before the document date (before it after "last",
# "الماضي"). A total "on Wednesday" in a statement dated that Wednesday is that day's, not an unstated period.
DAY_NAMED = ": the latest such day on or before the document date"
_LAST_WEEKDAY = re.compile(r"\b(?:last|past)\b|(?<!\w)(?:الماضي|المنصرم|الفائت|الماضية|الفائتة)(?!\w)", re.IGNORECASE)


def _weekday_of(phrase: str) -> int:
    """Monday = 0 … Sunday = 6, from an English or Arabic weekday phrase."""
    low = phrase.lower()
    for i, name in enumerate(_WEEKDAYS):
        if name in low:
            return i
    for i, names in enumerate(_AR_WEEKDAY_NAMES):
        if any(n in phrase for n in names):
            return i
    raise ValueError(f"no weekday in {phrase!r}")


def _arabic_window(rel: re.Match[str], doc: date, phrase: str) -> Window:
    groups: dict[str, Any] = rel.groupdict()
    raw = groups["arn1"] or groups["arn2"] or groups["arn3"]
    unit_word = groups["aru2"] or groups["aru3"] or phrase.split()[0].removeprefix("ال")
    n = _arabic_count(raw)
    if unit_word in {"أشهر", "شهور"}:
        return _full_months(doc, n, phrase)
    return _full_days(doc, n * (7 if unit_word == "أسابيع" else 1), phrase)
