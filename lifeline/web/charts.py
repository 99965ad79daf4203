"""Plotly figure specs (plain dicts) built from ResultTables; the browser draws them with the bundled Plotly.

The figures hold only numbers, dates and names; missing values stay ``None`` so Plotly leaves a gap
rather than drawing a zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from lifeline.formats import ResultTable
from lifeline.formats.writers import _plain

Namer = Callable[[Any], str]

# Colour-blind-safe qualitative palette (Okabe & Ito, "Color Universal Design", 2008).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# What a crossing-day looks like, by status and basis (Okabe-Ito colours): a reported opening and an opening
# inferred from recorded entries differ, a lapsed report is "unknown", sources in conflict are "disputed".
STATUS_COLOURS = {
    "open (reported)": "#009E73", "open (entries recorded)": "#56B4E9", "restricted": "#E69F00",
    "closed": "#D55E00", "disputed": "#CC79A7", "unknown": "#999999", "no data": "#d9d9d9",
}
# The UI string naming each category (lifeline/web/i18n/*.json).
STATUS_KEYS = {s: "status_" + s.replace(" (", "_").replace(")", "").replace(" ", "_") for s in STATUS_COLOURS}


def status_category(row: dict[str, Any], status: str = "status") -> str:
    """The colour category of a timeline row, from its label (status and basis) where it has one.

    An "open" with no basis counts as inferred from entries: only a report makes an opening "reported"."""
    label = str(row.get("status_label") or "")
    value = str(row.get(status) or "no data").replace("_", " ")
    if value == "disputed" or label.startswith("disputed"):
        return "disputed"
    if value == "open":
        return "open (reported)" if label == "open (reported)" or row.get("basis") == "reported" \
            else "open (entries recorded)"
    return value if value in STATUS_COLOURS else "no data"


def status_hover(row: dict[str, Any]) -> str:
    """The label, basis date and age a reader needs to judge a status: "open (reported) · 30 May 2024 · 3 days old"."""
    label = str(row.get("status_label") or row.get("status") or "no data")
    age, basis_date = row.get("age_days"), row.get("basis_date")
    parts = [label]
    if basis_date is not None and not label.startswith("unknown — last reported"):
        parts.append(f"basis {basis_date}")
    if age is not None:
        parts.append(f"{age} day{'s' if age != 1 else ''} old")
    return text(" · ".join(parts))


def text(value: Any) -> str:
    """Text Plotly shows as-is: it reads a subset of HTML in names and labels (links, styles), and names
    come from imported files, so their angle brackets are turned into entities Plotly prints literally."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(title: str, rtl: bool, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 20 if rtl else 60, "r": 60 if rtl else 20, "t": 40, "b": 40},
        "legend": {"orientation": "h", "y": -0.15},
        "hovermode": "x unified",
        # Time runs left to right in both languages (as Arabic news charts do); only the value axis moves.
        "xaxis": {"type": "date"},
        "yaxis": {"rangemode": "tozero", "side": "right" if rtl else "left"},
        "height": 380,
    }
    layout.update(extra)
    return layout


def lines(
    table: ResultTable, x: str, y: str, series: list[str], title: str, rtl: bool = False,
    name: Namer = str, kind: str = "scatter", extra_traces: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One trace per distinct combination of the ``series`` columns, x sorted."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in table.rows:
        groups[tuple(row.get(k) for k in series)].append(row)
    traces = []
    every_x = sorted({str(_plain(r.get(x))) for r in table.rows})
    for i, (key, rows) in enumerate(sorted(groups.items(), key=lambda kv: [str(k) for k in kv[0]])):
        rows.sort(key=lambda r: str(r.get(x)))
        label = text(" · ".join(name(k) for k in key if k is not None) or "—")
        xs, ys = [_plain(r.get(x)) for r in rows], [_plain(r.get(y)) for r in rows]
        if kind == "scatter" and xs and all(isinstance(v, str) for v in xs):  # ISO periods sort as text
            # A period other series have but this one lacks (between its first and last) is a gap:
            # the line breaks there instead of being drawn straight across it.
            have = dict(zip((str(v) for v in xs), ys, strict=True))
            inside = [v for v in every_x if str(xs[0]) <= v <= str(xs[-1])]
            xs, ys = inside, [have.get(v) for v in inside]
        trace: dict[str, Any] = {
            "type": kind, "name": label, "x": xs, "y": ys,
            "marker": {"color": PALETTE[i % len(PALETTE)]},
        }
        if kind == "scatter":
            trace["mode"] = "lines"
            trace["line"] = {"width": 1.5, "color": PALETTE[i % len(PALETTE)]}
        traces.append(trace)
    traces += extra_traces or []
    layout = _layout(title, rtl)
    if kind == "bar":
        layout["barmode"] = "group"
    return {"data": traces, "layout": layout}


def partial_marks(
    table: ResultTable, x: str, y: str, mark: str = "completeness", label: str = "partial period"
) -> list[dict[str, Any]]:
    """Open markers on the points of periods that are not complete (cut by a list's first or last day),
    so a low partial month is not read as a drop; one legend entry."""
    rows = [r for r in table.rows if r.get(mark) not in (None, "complete") and r.get(y) is not None]
    if not rows:
        return []
    return [{"type": "scatter", "mode": "markers", "name": label, "x": [_plain(r.get(x)) for r in rows],
             "y": [_plain(r.get(y)) for r in rows], "text": [text(str(r.get(mark))) for r in rows],
             "marker": {"symbol": "circle-open", "size": 10, "color": "#000"}}]


def hline(value: float, label: str, x0: Any, x1: Any, colour: str = "#444") -> dict[str, Any]:
    """A reference line (requirement, pre-war baseline) drawn as a dashed trace so it appears in the legend."""
    return {
        "type": "scatter", "mode": "lines", "name": label, "x": [_plain(x0), _plain(x1)], "y": [value, value],
        "line": {"dash": "dash", "color": colour, "width": 1.5},
    }


def band(
    table: ResultTable, x: str, mid: str, bands: list[tuple[str, str, str]], group: str | None, title: str,
    rtl: bool = False, name: Namer = str, requirement: str | None = None, req_label: str = "requirement",
    cap: str | None = None, cap_label: str = "consumption cap",
) -> dict[str, Any]:
    """Median lines with shaded intervals (widest first) per group, an optional requirement line and an
    optional cap line (a series that can reach a cap shows it, named). Missing values break the line."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in table.rows:
        groups[row.get(group) if group else None].append(row)
    traces: list[dict[str, Any]] = []
    for i, (key, rows) in enumerate(sorted(groups.items(), key=lambda kv: str(kv[0]))):
        rows.sort(key=lambda r: str(r.get(x)))
        colour = PALETTE[i % len(PALETTE)]
        xs = [_plain(r.get(x)) for r in rows]
        label = text(name(key)) if key is not None else ""
        for lo, hi, band_label in bands:
            traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": [r.get(lo) for r in rows],
                           "line": {"width": 0, "color": colour}, "showlegend": False, "hoverinfo": "skip",
                           "legendgroup": str(key)})
            traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": [r.get(hi) for r in rows],
                           "fill": "tonexty", "fillcolor": _alpha(colour, 0.15), "line": {"width": 0, "color": colour},
                           "name": f"{label} {band_label}".strip(), "legendgroup": str(key), "hoverinfo": "skip"})
        traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": [r.get(mid) for r in rows],
                       "name": label or mid, "line": {"color": colour, "width": 2}, "legendgroup": str(key)})
    if requirement and table.rows:
        xs_all = sorted(str(_plain(r.get(x))) for r in table.rows)
        values = {float(r[requirement]) for r in table.rows if r.get(requirement) is not None}
        if len(values) == 1:
            traces.append(hline(values.pop(), req_label, xs_all[0], xs_all[-1]))
    if cap and table.rows:
        xs_all = sorted(str(_plain(r.get(x))) for r in table.rows)
        caps = {float(r[cap]) for r in table.rows if r.get(cap) is not None}
        if len(caps) == 1:
            level = caps.pop()
            traces.append(hline(level, f"{cap_label} ({level:,.0f} kcal)", xs_all[0], xs_all[-1]))
    return {"data": traces, "layout": _layout(title, rtl)}


def _alpha(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def status_timeline(
    table: ResultTable, day: str, place: str, status: str, title: str, rtl: bool = False, name: Namer = str,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Crossing x day heat map by status category (open reported / open from entries / restricted / closed /
    disputed / unknown / no data); hovering a cell gives the row's label, basis date and age."""
    order = list(STATUS_COLOURS)
    code = {s: i for i, s in enumerate(order)}
    places = sorted({r.get(place) for r in table.rows}, key=str)
    days = sorted({str(_plain(r.get(day))) for r in table.rows})
    di = {d: i for i, d in enumerate(days)}
    pi = {p: i for i, p in enumerate(places)}
    z: list[list[int | None]] = [[code["no data"]] * len(days) for _ in places]
    hover = [[(labels or {}).get("no data", "no data")] * len(days) for _ in places]
    for r in table.rows:
        i, j = pi[r.get(place)], di[str(_plain(r.get(day)))]
        z[i][j] = code[status_category(r, status)]
        hover[i][j] = status_hover(r)
    n = len(order)
    scale = []
    for i, s in enumerate(order):
        scale += [[i / n, STATUS_COLOURS[s]], [(i + 1) / n, STATUS_COLOURS[s]]]
    trace = {
        "type": "heatmap", "x": days, "y": [text(name(p)) for p in places], "z": z, "zmin": -0.5, "zmax": n - 0.5,
        "colorscale": scale, "text": hover, "hovertemplate": "%{y} %{x}: %{text}<extra></extra>",
        "colorbar": {"tickvals": list(range(n)), "ticktext": [(labels or {}).get(s, s) for s in order],
                     "orientation": "h", "y": -0.12, "yanchor": "top", "thickness": 12, "len": 0.6},
        "xgap": 0, "ygap": 2,
    }
    layout = _layout(title, rtl, hovermode="closest", height=max(260, 110 + 34 * len(places)))
    layout["margin"]["b"] = 80
    layout["yaxis"] = {"automargin": True, "side": "right" if rtl else "left"}
    return {"data": [trace], "layout": layout}
