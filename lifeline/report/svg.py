"""Small SVG charts drawn as text, so the HTML stands alone and the PDF needs no browser.

Every label is escaped; missing values are gaps in a line, never zeros. Colours come from
``lifeline.palette``, the web's: a source (or area) has the same colour in the sitrep as on the pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from lifeline import palette


@dataclass
class Line:
    label: str
    values: Sequence[float | None]
    low: Sequence[float | None] | None = None  # interval band, if any
    high: Sequence[float | None] | None = None
    dashed: bool = False
    # Points of periods the core marks partial (lifeline.model.completeness): hollow markers, dashed segments.
    partial: Sequence[bool] | None = None
    # The series' key in the palette (a source, an area's code; never a translated name, so both languages
    # draw it alike); by default the label.
    key: str | None = None
    colour: str | None = None  # a reference line's own colour (palette.REFERENCE_COLOURS), else the key's

    @property
    def hue(self) -> str:
        return self.colour or palette.colour(self.label if self.key is None else self.key)

    def is_partial(self, i: int) -> bool:
        return bool(self.partial and self.partial[i])


def _nice_max(v: float) -> float:
    if v <= 0 or not math.isfinite(v):
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * exp:
            return step * exp
    return 10 * exp


def _fmt(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:g}" if v == int(v) else f"{v:.2f}"


def _ok(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def line_chart(
    x: Sequence[date],
    lines: Sequence[Line],
    title: str,
    y_label: str = "",
    width: int = 680,
    height: int = 190,
    reference: float | None = None,
    reference_label: str = "",
    reference_colour: str = palette.REFERENCE_COLOURS["requirement"],
    x_format: str = "%Y-%m-%d",
    partial_label: str = "partial period",
    legend: bool = True,
) -> str:
    """Lines over dates with optional shaded intervals and a horizontal reference line. A missing value breaks
    the line (a gap, never a straight line across it); a partial period is a hollow marker reached by dashes.
    ``legend=False`` leaves the legend to the page (:func:`legend_items`): WeasyPrint neither shapes nor orders
    right-to-left text inside an SVG, so words in Arabic belong in the HTML around it."""
    left, right, top, bottom = 62, 34, 14, 44 if legend else 22
    w, h = width - left - right, height - top - bottom
    vals: list[float] = [float(v) for ln in lines for seq in (ln.values, ln.high or []) for v in seq if _ok(v)]  # type: ignore[arg-type]
    ymax = _nice_max(max(vals + ([reference] if reference else []) + [0.0]))
    n = max(len(x), 1)

    def px(i: int) -> float:
        return left + (w * i / (n - 1) if n > 1 else w / 2)

    def py(v: float) -> float:
        return top + h - h * v / ymax

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" style="direction:ltr;font-family:sans-serif;font-size:10px">',
        f'<text x="{left}" y="12" font-size="12" font-weight="bold">{escape(title)}</text>' if title else "",
    ]
    for k in range(5):
        v = ymax * k / 4
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{py(v) + 3:.1f}" text-anchor="end">{_fmt(v)}</text>')
    if y_label:
        out.append(
            f'<text x="12" y="{top + h / 2:.0f}" transform="rotate(-90 12 {top + h / 2:.0f})" '
            f'text-anchor="middle">{escape(y_label)}</text>'
        )
    step = max(1, math.ceil(n / 8))
    for i in range(0, n, step):
        out.append(f'<text x="{px(i):.1f}" y="{top + h + 14}" text-anchor="middle">{x[i].strftime(x_format)}</text>')
    for ln in lines:
        color = ln.hue
        if ln.low is not None and ln.high is not None:
            for seg in _segments([_ok(a) and _ok(b) for a, b in zip(ln.low, ln.high, strict=True)]):
                pts = [f"{px(i):.1f},{py(float(ln.high[i])):.1f}" for i in seg]  # type: ignore[arg-type]
                pts += [f"{px(i):.1f},{py(float(ln.low[i])):.1f}" for i in reversed(seg)]  # type: ignore[arg-type]
                out.append(f'<polygon points="{" ".join(pts)}" fill="{color}" fill-opacity="0.18" stroke="none"/>')
        for seg in _segments([_ok(v) for v in ln.values]):
            if len(seg) == 1 and not ln.is_partial(seg[0]):
                i = seg[0]
                out.append(f'<circle cx="{px(i):.1f}" cy="{py(float(ln.values[i])):.1f}" r="2" fill="{color}"/>')  # type: ignore[arg-type]
            for run, dashed in _runs(seg, ln):
                path = " ".join(f"{px(i):.1f},{py(float(ln.values[i])):.1f}" for i in run)  # type: ignore[arg-type]
                dash = ' stroke-dasharray="4 3"' if dashed else ""
                out.append(f'<polyline class="series" points="{path}" fill="none" stroke="{color}" '
                           f'stroke-width="1.8"{dash}/>')
        for i, val in enumerate(ln.values):
            if val is not None and _ok(val) and ln.is_partial(i):
                out.append(f'<circle class="partial" cx="{px(i):.1f}" cy="{py(float(val)):.1f}" r="3.5" fill="#fff" '
                           f'stroke="{color}" stroke-width="1.5"><title>{escape(partial_label)}</title></circle>')
    if reference is not None:
        y = py(reference)
        out.append(
            f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{reference_colour}" '
            'stroke-dasharray="6 3"/>'
        )
        out.append(f'<text x="{left + w}" y="{y - 4:.1f}" text-anchor="end">{escape(reference_label)}</text>')
    if legend:
        out += _legend(legend_items(lines, partial_label, "", reference_colour), left + 8, height - 16)
    out.append("</svg>")
    return "".join(out)


def legend_items(lines: Sequence[Line], partial_label: str = "partial period", reference_label: str = "",
                 reference_colour: str = palette.REFERENCE_COLOURS["requirement"]) -> list[tuple[str, str, str]]:
    """(label, colour, kind) per line, then the partial-period marker if any point is partial and the
    reference line if named; kind is "box", "dash" or "hollow"."""
    items = [(ln.label, ln.hue, "dash" if ln.dashed else "box") for ln in lines]
    if any(ln.partial and any(ln.partial) for ln in lines):
        items.append((partial_label, palette.REFERENCE_COLOURS["partial"], "hollow"))
    if reference_label:
        items.append((reference_label, reference_colour, "dash"))
    return items


def swatch(colour: str, kind: str) -> str:
    """A legend's mark alone (no text), for a legend laid out in HTML."""
    return "".join(['<svg xmlns="http://www.w3.org/2000/svg" width="14" height="10" viewBox="0 0 14 10">',
                    *_legend([("", colour, kind)], 0, 0)[:1], "</svg>"])


def _runs(seg: list[int], ln: Line) -> list[tuple[list[int], bool]]:
    """A segment cut into runs of one style: dashed where either end is a partial period (or the line is)."""
    runs: list[tuple[list[int], bool]] = []
    for a, b in zip(seg, seg[1:], strict=False):
        dashed = ln.dashed or ln.is_partial(a) or ln.is_partial(b)
        if runs and runs[-1][1] == dashed:
            runs[-1][0].append(b)
        else:
            runs.append(([a, b], dashed))
    return runs


def _legend(items: Sequence[tuple[str, str, str]], x0: float, y: float) -> list[str]:
    """One row of legend entries, each placed after the previous one's text (an estimate of its width)."""
    out, x = [], x0
    for label, colour, kind in items:
        if kind == "hollow":
            out.append(f'<circle cx="{x + 5}" cy="{y + 5}" r="3.5" fill="#fff" stroke="{colour}" stroke-width="1.5"/>')
        elif kind == "dash":
            out.append(f'<line x1="{x}" x2="{x + 10}" y1="{y + 5}" y2="{y + 5}" stroke="{colour}" stroke-width="2" '
                       'stroke-dasharray="4 2"/>')
        else:
            out.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{y + 9}">{escape(label)}</text>')
        x += 14 + 6 * len(label) + 18
    return out


def _segments(ok: Sequence[bool]) -> list[list[int]]:
    segs: list[list[int]] = []
    cur: list[int] = []
    for i, good in enumerate(ok):
        if good:
            cur.append(i)
        elif cur:
            segs.append(cur)
            cur = []
    if cur:
        segs.append(cur)
    return segs


def bar_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    title: str,
    width: int = 680,
    height: int = 240,
    y_label: str = "",
) -> str:
    """Grouped bars per label (e.g. crossings), one bar per series (e.g. publisher, coloured as the web colours
    it: the series' name is its palette key); missing = no bar."""
    left, right, top, bottom = 62, 12, 28, 58
    w, h = width - left - right, height - top - bottom
    vals: list[float] = [float(v) for seq in series.values() for v in seq if _ok(v)]  # type: ignore[arg-type]
    ymax = _nice_max(max(vals + [0.0]))
    n, k = max(len(labels), 1), max(len(series), 1)
    slot = w / n
    bw = slot * 0.8 / k
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" style="direction:ltr;font-family:sans-serif;font-size:10px">',
        f'<text x="{left}" y="16" font-size="12" font-weight="bold">{escape(title)}</text>' if title else "",
    ]
    for t in range(5):
        v = ymax * t / 4
        y = top + h - h * v / ymax
        out.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{_fmt(v)}</text>')
    if y_label:
        out.append(
            f'<text x="12" y="{top + h / 2:.0f}" transform="rotate(-90 12 {top + h / 2:.0f})" '
            f'text-anchor="middle">{escape(y_label)}</text>'
        )
    for i, lab in enumerate(labels):
        for j, (key, seq) in enumerate(series.items()):
            raw = seq[i]
            if raw is None or not _ok(raw):
                continue
            v = float(raw)
            bh = h * v / ymax
            x0 = left + i * slot + slot * 0.1 + j * bw
            out.append(
                f'<rect x="{x0:.1f}" y="{top + h - bh:.1f}" width="{bw:.1f}" height="{bh:.1f}" '
                f'fill="{palette.colour(key)}"><title>{escape(lab)}: {_fmt(float(v))}</title></rect>'
            )
        out.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + h + 14}" text-anchor="middle">{escape(lab)}</text>'
        )
    for j, name in enumerate(series):
        lx = left + 8 + j * 150
        out.append(f'<rect x="{lx}" y="{height - 16}" width="10" height="10" fill="{palette.colour(name)}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 7}">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
