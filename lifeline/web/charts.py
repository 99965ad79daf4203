"""Plotly figure specs (plain dicts) built from ResultTables; the browser draws them with the bundled Plotly.

The figures hold only numbers, dates and names; missing values stay ``None`` so Plotly leaves a gap
rather than drawing a zero. Colours come from ``lifeline.palette`` (Okabe & Ito, shared with the sitrep)
and a source keeps its colour on every chart; a chart that would hold more than ``MAX_SERIES`` lines is drawn
as small multiples instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from lifeline.formats import ResultTable
from lifeline.formats.writers import _plain
from lifeline.i18n.counted import plural
from lifeline.palette import REFERENCE_COLOURS, STATUS_COLOURS, colour, status_category

Namer = Callable[[Any], str]

# More lines than this on one axis cannot be told apart: the chart becomes one panel per crossing or area.
MAX_SERIES = 5
PANEL_HEIGHT = 150


# The UI string naming each category (lifeline/i18n/*.json).
STATUS_KEYS = {s: "status_" + s.replace(" (", "_").replace(")", "").replace(" ", "_") for s in STATUS_COLOURS}


def status_hover(row: dict[str, Any], words: Callable[..., str] | None = None,
                 label_of: Callable[[str], str] | None = None) -> str:
    """The label, basis date and age a reader needs to judge a status: "open (reported) · 30 May 2024 · 3 days old".

    ``words`` (the page's translator) gives "basis" and "days old" in the page's language; ``label_of`` the
    status label in it."""
    label = str(row.get("status_label") or row.get("status") or "no data")
    age, basis_date = row.get("age_days"), row.get("basis_date")
    parts = [label_of(label) if label_of else label]
    if basis_date is not None and not label.startswith("unknown — last reported"):
        parts.append(words("hover_basis", day=basis_date) if words else f"basis {basis_date}")
    if age is not None:
        parts.append(words("kf_age", n=age) if words else f"{plural(age, 'day')} old")
    return text(" · ".join(parts))


def text(value: Any) -> str:
    """Text Plotly shows as-is: it reads a subset of HTML in names and labels (links, styles), and names
    come from imported files, so their angle brackets are turned into entities Plotly prints literally."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(title: str, rtl: bool, y_title: str | None = None, x_title: str | None = None,
            **extra: Any) -> dict[str, Any]:
    """The layout every chart shares; ``y_title`` names the value axis with its unit."""
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 20 if rtl else 60, "r": 60 if rtl else 20, "t": 40, "b": 40},
        "legend": {"orientation": "h", "y": -0.2, "yanchor": "top"},
        "hovermode": "x unified",
        # Time runs left to right in both languages (as Arabic news charts do); only the value axis moves.
        "xaxis": {"type": "date", "automargin": True},
        "yaxis": {"rangemode": "tozero", "side": "right" if rtl else "left", "automargin": True},
        "height": 380,
    }
    if rtl:  # Plotly names months in English only: an Arabic page reads its dates as numbers, to the day
        # when ticks are days apart (a week's chart once read "2024-05 2024-05 2024-05"), to the month beyond.
        layout["xaxis"] |= {"tickformatstops": [{"dtickrange": [None, "M1"], "value": "%Y-%m-%d"},
                                                {"dtickrange": ["M1", None], "value": "%Y-%m"}],
                            "hoverformat": "%Y-%m-%d"}
    if y_title:
        layout["yaxis"]["title"] = {"text": y_title}
    if x_title:
        layout["xaxis"]["title"] = {"text": x_title}
    layout.update(extra)
    return layout


def _calendar(periods: list[str]) -> list[str]:
    """Every period between the first and last of ``periods`` (ISO days, Monday weeks or first-of-month),
    so a period no series has is a gap too; anything that is not a run of ISO dates is returned as it is."""
    try:
        days = sorted(date.fromisoformat(p) for p in periods)
    except (TypeError, ValueError):
        return periods
    if len(days) < 2:
        return periods
    steps = {(b - a).days for a, b in zip(days, days[1:], strict=False)}
    out: list[date] = [days[0]]
    if all(d.day == 1 for d in days) and min(steps) >= 28:  # months
        while out[-1] < days[-1]:
            y, m = divmod(out[-1].month, 12)
            out.append(date(out[-1].year + y, m + 1, 1))
    elif min(steps) in (1, 7) and all(s % min(steps) == 0 for s in steps):  # days or weeks
        while out[-1] < days[-1]:
            out.append(out[-1] + timedelta(days=min(steps)))
    else:
        return periods
    return [d.isoformat() for d in out]


def _filled(rows: list[dict[str, Any]], x: str, every_x: list[str], columns: tuple[str, ...]
            ) -> tuple[list[Any], dict[str, list[Any]]]:
    """x and the ``columns`` of one series over every period between its first and last: a period the other
    series have but this one lacks is ``None``, so the line breaks there instead of being drawn across it."""
    rows = sorted(rows, key=lambda r: str(r.get(x)))
    xs = [_plain(r.get(x)) for r in rows]
    values = {c: [_plain(r.get(c)) for r in rows] for c in columns}
    if not xs or not all(isinstance(v, str) for v in xs):  # ISO periods sort as text
        return xs, values
    at = {str(v): i for i, v in enumerate(xs)}
    inside = [p for p in every_x if str(xs[0]) <= p <= str(xs[-1])]
    return inside, {c: [values[c][at[p]] if p in at else None for p in inside] for c in columns}


def lines(
    table: ResultTable, x: str, y: str, series: list[str], title: str, rtl: bool = False,
    name: Namer = str, kind: str = "scatter", extra_traces: list[dict[str, Any]] | None = None,
    y_title: str | None = None, x_title: str | None = None, panel: str | None = None,
    colour_by: str | None = None, partial: str | None = None, partial_label: str = "partial period",
    no_panel: str = "no breakdown",
) -> dict[str, Any]:
    """One trace per distinct combination of the ``series`` columns, x sorted, coloured by ``colour_by``
    (default: the last series column, the source). With more than MAX_SERIES traces and a ``panel`` column,
    one panel per value of ``panel`` sharing the time axis (small multiples); ``partial`` names the column
    saying whether a period is complete, and partial periods get an open marker; rows without a ``panel`` value
    (a source's route totals, with no crossing breakdown) get a panel of their own titled ``no_panel``."""
    colour_key = colour_by or series[-1]
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in table.rows:
        groups[tuple(row.get(k) for k in series)].append(row)
    every_x = _calendar(sorted({str(_plain(r.get(x))) for r in table.rows}))
    panels: list[Any] = [None]
    # Route totals (rows without a crossing) never share an axis with per-crossing lines: a panel of their own.
    mixed = panel is not None and len({row.get(panel) is None for row in table.rows}) > 1
    if panel and (len(groups) > MAX_SERIES or mixed):
        panels = sorted({row.get(panel) for row in table.rows}, key=lambda p: (p is None, str(p)))
    axis_of = {p: ("" if i == 0 else str(i + 1)) for i, p in enumerate(panels)}
    traces: list[dict[str, Any]] = []
    shown_in_legend: set[Any] = set()
    for key, rows in sorted(groups.items(), key=lambda kv: [str(k) for k in kv[0]]):
        values = dict(zip(series, key, strict=True))
        where = values.get(panel) if panel and len(panels) > 1 else None
        label_parts = [name(k) for s, k in values.items() if k is not None and (len(panels) == 1 or s != panel)]
        label = text(" · ".join(label_parts) or "—")
        xs, ys = (_filled(rows, x, every_x, (y,)) if kind == "scatter"
                  else ([_plain(r.get(x)) for r in rows], {y: [_plain(r.get(y)) for r in rows]}))
        hue = colour(values.get(colour_key))
        trace: dict[str, Any] = {"type": kind, "name": label, "x": xs, "y": ys[y], "marker": {"color": hue}}
        if kind == "scatter":
            trace["mode"] = "lines"
            trace["line"] = {"width": 1.5, "color": hue}
            trace["connectgaps"] = False
        if len(panels) > 1:  # one legend entry per source, shared by every panel
            trace["yaxis"] = "y" + axis_of[where]
            trace["legendgroup"] = label
            trace["showlegend"] = label not in shown_in_legend
            shown_in_legend.add(label)
        traces.append(trace)
    if partial:
        for p in panels:
            rows = [r for r in table.rows if not panel or len(panels) == 1 or r.get(panel) == p]
            marks = partial_marks(ResultTable(table.title, table.columns, rows), x, y, partial, partial_label)
            for m in marks:
                m["legendgroup"], m["showlegend"] = "partial", p == panels[0]
                if len(panels) > 1:
                    m["yaxis"] = "y" + axis_of[p]
            traces += marks
    traces += extra_traces or []
    layout = _layout(title, rtl, y_title, x_title)
    if kind == "bar":
        layout["barmode"] = "group"
    if len(panels) > 1:
        _panel_axes(layout, [text(name(p)) if p is not None else text(no_panel) for p in panels], rtl, y_title)
    return {"data": traces, "layout": layout}


def _panel_axes(layout: dict[str, Any], titles: list[str], rtl: bool, y_title: str | None) -> None:
    """Stack one value axis per panel over a shared time axis, each panel titled by its crossing or area."""
    n = len(titles)
    gap = 0.35 / n
    span = (1.0 - gap * (n - 1)) / n
    layout["height"] = 90 + PANEL_HEIGHT * n
    layout["legend"]["y"] = -40 / layout["height"]
    annotations = []
    for i, title in enumerate(titles):
        top = 1.0 - i * (span + gap)
        axis = "yaxis" + ("" if i == 0 else str(i + 1))
        layout[axis] = {"domain": [max(0.0, top - span), top], "rangemode": "tozero", "automargin": True,
                        "side": "right" if rtl else "left", "nticks": 4}
        if i:  # one shared value scale: panels compare by height, not by each axis's own range
            layout[axis]["matches"] = "y"
        if y_title and i == n // 2:
            layout[axis]["title"] = {"text": y_title}
        annotations.append({"text": f"<b>{title}</b>", "xref": "paper", "yref": "paper", "x": 1 if rtl else 0,
                            "xanchor": "right" if rtl else "left", "y": top, "yanchor": "bottom",
                            "showarrow": False, "font": {"size": 12}})
    layout["xaxis"]["anchor"] = "y" + str(n)
    layout["annotations"] = annotations
    # room above the first panel for its title under the chart's, and beside the axes for the value axis title
    layout["margin"] |= {"t": 70, ("r" if rtl else "l"): 80}
    layout["hovermode"] = "closest"


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
             "hovertemplate": "%{text}<extra></extra>",
             "marker": {"symbol": "circle-open", "size": 11, "color": REFERENCE_COLOURS["partial"],
                        "line": {"width": 2}}}]


def hline(value: float, label: str, x0: Any, x1: Any, colour: str = "#444", dash: str = "dash") -> dict[str, Any]:
    """A reference line (requirement, pre-war baseline) drawn as a dashed trace so it appears in the legend."""
    return {
        "type": "scatter", "mode": "lines", "name": label, "x": [_plain(x0), _plain(x1)], "y": [value, value],
        "line": {"dash": dash, "color": colour, "width": 1.5}, "hoverinfo": "name",
    }


def direct_label(label: str, value: float, rtl: bool, colour: str) -> dict[str, Any]:
    """A reference line's name written on the chart at its level, so it reads without the legend."""
    return {"text": label, "xref": "paper", "x": 0 if rtl else 1, "xanchor": "left" if rtl else "right",
            "y": value, "yref": "y", "yanchor": "bottom", "showarrow": False, "font": {"size": 11, "color": colour},
            "bgcolor": "rgba(255,255,255,0.7)"}


def band(
    table: ResultTable, x: str, mid: str, bands: list[tuple[str, str, str]], group: str | None, title: str,
    rtl: bool = False, name: Namer = str, requirement: str | None = None, req_label: str = "requirement",
    cap: str | None = None, cap_label: str = "consumption cap", y_title: str | None = None,
    partial: str | None = None, partial_label: str = "partial period", kcal: str = "kcal",
) -> dict[str, Any]:
    """Median lines with shaded intervals (widest first) per group, an optional requirement line and an
    optional cap line (a series that can reach a cap shows it, named on the chart and in the legend).
    Missing values and missing periods break the line; partial periods carry an open marker."""
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in table.rows:
        groups[row.get(group) if group else None].append(row)
    every_x = _calendar(sorted({str(_plain(r.get(x))) for r in table.rows}))
    columns = (mid, *[c for lo, hi, _ in bands for c in (lo, hi)])
    traces: list[dict[str, Any]] = []
    ordered = sorted(groups.items(), key=lambda kv: str(kv[0]))
    panels = len(ordered) > MAX_SERIES  # one panel per area, each with its own reference lines
    # Several areas on one axis: one legend entry per area and one (neutral) per interval, not area x interval,
    # which on a phone pushes the cap and the partial-period entries out of the chart.
    shared_bands = 1 < len(ordered) <= MAX_SERIES
    for n, (key, rows) in enumerate(ordered):
        hue = colour(key)
        xs, ys = _filled(rows, x, every_x, columns)
        label = text(name(key)) if key is not None else ""
        first = len(traces)
        for lo, hi, band_label in bands:
            traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys[lo], "connectgaps": False,
                           "line": {"width": 0, "color": hue}, "showlegend": False, "hoverinfo": "skip",
                           "legendgroup": str(key)})
            traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys[hi], "connectgaps": False,
                           "fill": "tonexty", "fillcolor": _alpha(hue, 0.15), "line": {"width": 0, "color": hue},
                           "name": f"{label} {band_label}".strip(), "legendgroup": str(key), "hoverinfo": "skip",
                           "showlegend": not shared_bands})
        traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys[mid], "connectgaps": False,
                       "name": label or mid, "line": {"color": hue, "width": 2}, "legendgroup": str(key)})
        if panels:
            if partial:
                traces += partial_marks(ResultTable(table.title, table.columns, rows), x, mid, partial, partial_label)
            traces += _reference_lines(rows, every_x, requirement, req_label, cap, cap_label, kcal, rtl)[0]
            for trace in traces[first:]:
                trace["yaxis"] = "y" + ("" if n == 0 else str(n + 1))
                trace["showlegend"] = n == 0 and trace.get("showlegend", True)
    layout = _layout(title, rtl, y_title)
    if panels:
        _panel_axes(layout, [text(name(k)) if k is not None else "—" for k, _ in ordered], rtl, y_title)
        return {"data": traces, "layout": layout}
    if shared_bands:
        traces += [{"type": "scatter", "mode": "lines", "x": [None], "y": [None], "name": band_label,
                    "line": {"width": 8, "color": _alpha("#000000", 0.15 * (i + 1))}, "hoverinfo": "skip"}
                   for i, (_, _, band_label) in enumerate(bands)]
    if partial:
        traces += partial_marks(table, x, mid, partial, partial_label)
    lines_, annotations = _reference_lines(table.rows, every_x, requirement, req_label, cap, cap_label, kcal, rtl)
    layout["annotations"] = annotations
    return {"data": traces + lines_, "layout": layout}


def _reference_lines(
    rows: list[dict[str, Any]], every_x: list[str], requirement: str | None, req_label: str, cap: str | None,
    cap_label: str, kcal: str, rtl: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The requirement and the cap as dashed lines with their level in the name, and the same names written
    on the chart beside them (only where the rows share one level)."""
    traces, annotations = [], []
    for column, label, role, dash in ((requirement, req_label, "requirement", "dash"), (cap, cap_label, "cap", "dot")):
        levels = {float(r[column]) for r in rows if column and r.get(column) is not None}
        if len(levels) != 1 or not every_x:
            continue
        level = levels.pop()
        named = f"{label} ({level:,.0f} {kcal})"
        traces.append(hline(level, named, every_x[0], every_x[-1], REFERENCE_COLOURS[role], dash))
        annotations.append(direct_label(named, level, rtl, REFERENCE_COLOURS[role]))
    return traces, annotations


def _two_lines(label: str, width: int = 18) -> str:
    """A long name on two lines (at the space nearest its middle), so it fits beside a phone's chart."""
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) // 2
    cut = min((i for i, ch in enumerate(label) if ch == " "), key=lambda i: abs(i - middle))
    return label[:cut] + "<br>" + label[cut + 1 :]


def _alpha(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def status_timeline(
    table: ResultTable, day: str, place: str, status: str, title: str, rtl: bool = False, name: Namer = str,
    labels: dict[str, str] | None = None, words: Callable[..., str] | None = None,
    label_of: Callable[[str], str] | None = None, x_title: str | None = None,
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
        hover[i][j] = status_hover(r, words, label_of)
    n = len(order)
    scale = []
    for i, s in enumerate(order):
        scale += [[i / n, STATUS_COLOURS[s]], [(i + 1) / n, STATUS_COLOURS[s]]]
    trace = {
        "type": "heatmap", "x": days, "y": [text(name(p)) for p in places], "z": z, "zmin": -0.5, "zmax": n - 0.5,
        "colorscale": scale, "text": hover, "hovertemplate": "%{y} %{x}: %{text}<extra></extra>",
        "showscale": False, "xgap": 0, "ygap": 2,
    }
    # The key is a legend of square swatches, one entry per category, wrapped in rows below the chart: a
    # horizontal colour bar's seven labels rotated and were clipped on a phone, most in Arabic (issue 16).
    key = [{"type": "scatter", "mode": "markers", "x": [None], "y": [None], "name": (labels or {}).get(s, s),
            "marker": {"symbol": "square", "size": 12, "color": STATUS_COLOURS[s]}, "hoverinfo": "skip",
            "showlegend": True} for s in order]
    layout = _layout(title, rtl, x_title=x_title, hovermode="closest", height=max(260, 110 + 34 * len(places)))
    layout["margin"]["b"] = 60
    # Room for the longest crossing name beside the rows (automargin alone cannot widen a narrow phone chart's
    # margin enough, and clipped the names in RTL).
    labels_y = [_two_lines(text(name(p))) for p in places]
    if any("<br>" in label for label in labels_y):  # two-line names need taller rows
        layout["height"] = max(260, 110 + 46 * len(places))
    longest = max((len(line) for label in labels_y for line in label.split("<br>")), default=10)
    layout["margin"]["r" if rtl else "l"] = min(170, 16 + 7 * longest)
    trace["y"] = labels_y
    layout["yaxis"] = {"automargin": True, "side": "right" if rtl else "left"}
    layout["legend"] = {"orientation": "h", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left",
                        "y": -0.15, "yanchor": "top", "itemclick": False, "itemdoubleclick": False}
    return {"data": [trace, *key], "layout": layout}
