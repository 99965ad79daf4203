"""The sitrep's charts by period: which period kind a window is drawn in, the periods it spans, and each point's
completeness as the core marks it (``lifeline.model.completeness``; the web's charts read the same column): a
period cut by a list's first or last recorded day, or by the window asked, is partial and is drawn as a hollow
marker with a footnote "partial: N of M days"; a period with no value is a gap in the line, never bridged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lifeline.model import completeness
from lifeline.report import svg
from lifeline.report.i18n import mark_text

# Up to two months a chart shows days, up to half a year weeks, beyond that months: about 8 to 60 points.
DAYS_BY_DAY = 62
DAYS_BY_WEEK = 183
X_FORMAT = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m"}


def chart_by(date_from: date, date_to: date) -> str:
    """The period kind a window's charts are drawn in (and its sources compared by, beyond half a year)."""
    days = (date_to - date_from).days + 1
    return "day" if days <= DAYS_BY_DAY else "week" if days <= DAYS_BY_WEEK else "month"


def starts(date_from: date, date_to: date, by: str) -> list[date]:
    """Every period of kind ``by`` that the window touches, by its calendar start (weeks start on Monday)."""
    out, p = [], completeness.nominal_start(date_from, by)
    while p <= date_to:
        out.append(p)
        p = completeness.period_end(p, by) + timedelta(days=1)
    return out


def label(p: date, by: str) -> str:
    return p.strftime(X_FORMAT[by])


@dataclass
class Point:
    """One period's value for one series, with the core's completeness mark and the days behind the value."""

    value: float | None
    mark: str | None = completeness.COMPLETE
    days: int | None = None  # days of the period the value covers, when the core gives them
    low: float | None = None  # interval, if any
    high: float | None = None

    @property
    def partial(self) -> bool:
        # The web's rule (lifeline.web.charts.partial_marks): a point whose period is not complete.
        return self.value is not None and self.mark is not None and not completeness.is_complete(self.mark)


def line(name: str, xs: Sequence[date], points: dict[date, Point], **kw: Any) -> svg.Line:
    """A chart line over ``xs``: a period without a point is missing (a gap), a partial one is marked."""
    got = [points.get(p) for p in xs]
    band = any(pt is not None and pt.low is not None for pt in got)
    return svg.Line(name, [pt.value if pt else None for pt in got],
                    low=[pt.low if pt else None for pt in got] if band else None,
                    high=[pt.high if pt else None for pt in got] if band else None,
                    partial=[bool(pt and pt.partial) for pt in got], **kw)


def footnotes(name: str, xs: Sequence[date], points: dict[date, Point], by: str,
              text: Callable[[str], str], lang: str = "en") -> list[str]:
    """One footnote per partial point: "partial: SERIES PERIOD, N of M days (the core's reason)"."""
    out = []
    for p in xs:
        pt = points.get(p)
        if pt is None or not pt.partial:
            continue
        full = (completeness.period_end(p, by) - p).days + 1
        n = text("n_of_days").format(n=pt.days, full=full) + ", " if pt.days is not None else ""
        reason = mark_text(str(pt.mark).removeprefix("partial: "), lang)
        out.append(_joined(lang, text("partial"), _ltr(f"{name} {label(p, by)}", lang), f"{n}{reason}"))
    return out


def _ltr(run: str, lang: str) -> str:
    """A run of codes and dates isolated left to right inside Arabic text (else the bidi algorithm reorders it)."""
    return f"\u2066{run}\u2069" if lang == "ar" else run


def _joined(lang: str, head: str, what: str, rest: str) -> str:
    comma = "، " if lang == "ar" else ", "
    return f"{head}: {what}{comma}{rest.replace(', ', comma)}"


def window_note(name: str, date_from: date, date_to: date, span: completeness.Span | None,
                text: Callable[[str], str], lang: str = "en") -> str | None:
    """For a chart by day, where the source's list starts or ends inside the window: the days it covers there
    (the line stops; it is not a fall to zero)."""
    mark = completeness.completeness(date_from, date_to, span)
    if span is None or not mark.startswith("partial"):
        return None
    covered = (min(date_to, span.last) - max(date_from, span.first)).days + 1
    full = (date_to - date_from).days + 1
    reason = mark_text(mark.removeprefix("partial: "), lang)
    return _joined(lang, text("partial"), _ltr(f"{name} {date_from} – {date_to}", lang),
                   text("n_of_days").format(n=covered, full=full) + f", {reason}")
