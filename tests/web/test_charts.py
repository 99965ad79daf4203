"""Chart specs carry the data's numbers and never hand Plotly live markup from imported files."""

from __future__ import annotations

from lifeline import palette
from lifeline.formats import Column, ResultTable
from lifeline.web import charts

HOSTILE = '<a href="javascript:alert(1)">UN</a>'


def table(rows: list[dict[str, object]]) -> ResultTable:
    return ResultTable("t", [Column("period", "#date"), Column("source", "#meta+source"),
                             Column("consignments", "#indicator+num")], rows)


def test_lines_group_series_and_keep_missing_as_gaps() -> None:
    fig = charts.lines(table([
        {"period": "2024-01-01", "source": "UNRWA", "consignments": 3},
        {"period": "2024-01-02", "source": "UNRWA", "consignments": None},
        {"period": "2024-01-01", "source": "COGAT", "consignments": 5},
    ]), "period", "consignments", ["source"], "title")
    by_name = {t["name"]: t for t in fig["data"]}
    assert by_name["UNRWA"]["y"] == [3, None]  # missing stays missing, never zero
    assert by_name["COGAT"]["x"] == ["2024-01-01"]


def test_names_from_data_are_not_markup() -> None:
    fig = charts.lines(table([{"period": "2024-01-01", "source": HOSTILE, "consignments": 1}]),
                       "period", "consignments", ["source"], "title")
    assert "<a" not in fig["data"][0]["name"] and "&lt;a href" in fig["data"][0]["name"]


def test_status_timeline_codes_every_day_and_place() -> None:
    rows = [{"day": f"2024-05-0{d}", "crossing": c, "status": s}
            for d, c, s in [(1, "rafah", "open"), (2, "rafah", "closed"), (1, "erez", "no data")]]
    fig = charts.status_timeline(ResultTable("t", [], rows), "day", "crossing", "status", "title")
    trace = fig["data"][0]
    assert trace["y"] == ["erez", "rafah"] and trace["x"] == ["2024-05-01", "2024-05-02"]
    order = list(palette.STATUS_COLOURS)
    # an "open" with no report behind it is not a reported opening
    assert trace["z"][1] == [order.index("open (entries recorded)"), order.index("closed")]
    assert trace["z"][0] == [order.index("no data"), order.index("no data")]  # unknown day: no data, not closed


def test_status_timeline_tells_reported_from_inferred_and_shows_age() -> None:
    rows = [
        {"day": "2024-05-01", "crossing": "jlots", "status": "open", "basis": "reported",
         "status_label": "open (reported)", "basis_date": "2024-04-28", "age_days": 3},
        {"day": "2024-05-02", "crossing": "jlots", "status": "open", "basis": "entries",
         "status_label": "open (entries recorded)", "basis_date": "2024-05-02", "age_days": 0},
        {"day": "2024-05-03", "crossing": "jlots", "status": "unknown", "basis": "lapsed",
         "status_label": "unknown — last reported open on 2024-04-28", "basis_date": "2024-04-28", "age_days": 5},
        {"day": "2024-05-04", "crossing": "jlots", "status": "disputed", "basis": "disputed",
         "status_label": "disputed: A reported closed | entries recorded by UNRWA", "age_days": 1},
    ]
    trace = charts.status_timeline(ResultTable("t", [], rows), "day", "crossing", "status", "title")["data"][0]
    order = list(palette.STATUS_COLOURS)
    assert trace["z"][0] == [order.index(s) for s in ("open (reported)", "open (entries recorded)", "unknown",
                                                        "disputed")]
    assert trace["text"][0][0] == "open (reported) · basis 2024-04-28 · 3 days old"
    lapsed = trace["text"][0][2]
    assert lapsed.startswith("unknown — last reported open on 2024-04-28") and "5 days old" in lapsed
    assert len(set(palette.STATUS_COLOURS.values())) == len(palette.STATUS_COLOURS)  # every category its own colour


def test_stated_need_line_breaks_where_no_need_stands_and_names_its_unit() -> None:
    from lifeline.web.views import _reference_levels

    rows = [{"period": f"2024-0{m}-01", "source": "UNRWA", "trucks_per_day": 100.0, "prewar_trucks_per_day": 428.6,
             "stated_need": need,
             "need_source": "UNRWA (stands 2023-11-28 to 2024-01-28: stated period)" if need else None}
            for m, need in ((1, 200.0), (2, None), (3, None), (4, 500.0))]
    prewar, need = _reference_levels(rows)
    assert need["name"] == "stated need (trucks/day)" and prewar["name"] == "pre-war level (trucks/day)"
    assert need["y"] == [200.0, None, None, 500.0] and need["connectgaps"] is False
    assert "stated period" in need["text"][0]


def test_coverage_band_names_the_cap_and_breaks_at_gaps() -> None:
    t = ResultTable("c", [Column("period", "#date")], [
        {"period": "2024-05-09", "area": "gaza-strip", "kcal_pp": 1500, "kcal_pp_low": 1400, "kcal_pp_high": 1600,
         "requirement": 2100, "cap": 2700},
        {"period": "2024-05-10", "area": "gaza-strip", "kcal_pp": None, "kcal_pp_low": None, "kcal_pp_high": None,
         "requirement": 2100, "cap": 2700},
    ])
    fig = charts.band(t, "period", "kcal_pp", [("kcal_pp_low", "kcal_pp_high", "95 %")], "area", "c",
                      requirement="requirement", cap="cap")
    names = [str(tr.get("name")) for tr in fig["data"]]
    assert "consumption cap (2,700 kcal)" in names
    median = next(tr for tr in fig["data"] if tr.get("name") == "gaza-strip")
    assert median["y"] == [1500, None]  # a day without recorded entries is a gap, not 0


def test_partial_periods_are_marked_on_the_chart() -> None:
    rows = [
        {"period": "2023-10-01", "source": "UNRWA", "consignments": 218,
         "completeness": "partial: data from 2023-10-21"},
        {"period": "2023-11-01", "source": "UNRWA", "consignments": 900, "completeness": "complete"},
    ]
    t = table(rows)
    fig = charts.lines(t, "period", "consignments", ["source"], "t",
                       extra_traces=charts.partial_marks(t, "period", "consignments"))
    marks = [tr for tr in fig["data"] if tr["name"] == "partial period"]
    assert marks and marks[0]["x"] == ["2023-10-01"] and "2023-10-21" in marks[0]["text"][0]


def test_a_line_breaks_across_a_period_it_has_no_figure_for() -> None:
    fig = charts.lines(table([
        {"period": "2024-01-01", "source": "UNRWA", "consignments": 3},
        {"period": "2024-03-01", "source": "UNRWA", "consignments": 4},
        {"period": "2024-02-01", "source": "COGAT", "consignments": 5},
    ]), "period", "consignments", ["source"], "title")
    by_name = {t["name"]: t for t in fig["data"]}
    assert by_name["UNRWA"]["x"] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert by_name["UNRWA"]["y"] == [3, None, 4]  # not drawn straight across February, not 0


def test_a_source_keeps_its_colour_on_every_chart() -> None:
    one = charts.lines(table([{"period": "2024-01-01", "source": "COGAT", "consignments": 1}]),
                       "period", "consignments", ["source"], "t")
    rows = [{"period": "2024-01-01", "source": s, "consignments": 1} for s in ("UNRWA", "COGAT", "WFP")]
    two = charts.lines(table(rows), "period", "consignments", ["source"], "t")
    colours = {tr["name"]: tr["line"]["color"] for tr in two["data"]}
    assert one["data"][0]["line"]["color"] == colours["COGAT"] == palette.colour("COGAT")
    assert len(set(colours.values())) == 3 and set(colours.values()) <= set(palette.PALETTE)
    assert palette.colour("WFP") == palette.colour("WFP")  # stable across calls (and processes: crc32, not hash())


def test_crowded_series_become_one_panel_per_crossing_with_titled_axes() -> None:
    rows = [{"period": f"2024-01-0{d}", "crossing": c, "source": s, "consignments": d}
            for d in (1, 2) for c in ("a", "b", "c", "d") for s in ("UNRWA", "COGAT")]
    t = ResultTable("t", [], rows)
    fig = charts.lines(t, "period", "consignments", ["crossing", "source"], "t", y_title="consignments (rows)",
                       x_title="day", panel="crossing", colour_by="source")
    layout = fig["layout"]
    axes = [k for k in layout if k.startswith("yaxis")]
    assert len(axes) == 4 and layout["xaxis"]["title"]["text"] == "day"
    assert any(layout[a].get("title", {}).get("text") == "consignments (rows)" for a in axes)
    assert [a["text"] for a in layout["annotations"]] == ["<b>a</b>", "<b>b</b>", "<b>c</b>", "<b>d</b>"]
    unrwa = [tr for tr in fig["data"] if tr["name"] == "UNRWA"]
    assert len(unrwa) == 4 and {tr["line"]["color"] for tr in unrwa} == {palette.colour("UNRWA")}
    assert sum(tr["showlegend"] for tr in unrwa) == 1  # one legend entry per source
    few = charts.lines(ResultTable("t", [], [r for r in rows if r["crossing"] == "a"]), "period", "consignments",
                       ["crossing", "source"], "t", panel="crossing")
    assert "yaxis2" not in few["layout"]  # two series read on one axis
    # the panels share one value scale, so a busier crossing reads taller
    assert all(layout[a]["matches"] == "y" for a in axes if a != "yaxis") and "matches" not in layout["yaxis"]


def test_route_totals_never_share_an_axis_with_per_crossing_lines() -> None:
    """COGAT's land rows name a route, not a crossing: even with few series they get a panel of their own,
    titled as route totals, instead of a line beside UNRWA's per-crossing ones on one axis."""
    rows = [{"period": f"2024-01-0{d}", "crossing": c, "source": s, "consignments": d}
            for d in (1, 2) for c, s in (("kerem-shalom", "UNRWA"), ("rafah", "UNRWA"), (None, "COGAT"))]
    fig = charts.lines(ResultTable("t", [], rows), "period", "consignments", ["crossing", "source"], "t",
                       panel="crossing", colour_by="source", no_panel="route totals (no crossing breakdown)")
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert titles == ["<b>kerem-shalom</b>", "<b>rafah</b>", "<b>route totals (no crossing breakdown)</b>"]
    cogat = next(tr for tr in fig["data"] if tr["name"] == "COGAT")
    assert cogat["yaxis"] == "y3" and {tr["yaxis"] for tr in fig["data"] if tr["name"] == "UNRWA"} == {"y", "y2"}


def test_status_key_is_a_legend_below_not_a_colour_bar() -> None:
    """A colour bar's seven labels rotated and were clipped at 390 px in Arabic: the key is one legend entry
    per category, in the page's language, wrapping below the chart."""
    rows = [{"day": "2024-05-01", "crossing": "rafah", "status": "open"}]
    labels = {s: f"label {s}" for s in palette.STATUS_COLOURS}
    fig = charts.status_timeline(ResultTable("t", [], rows), "day", "crossing", "status", "t", rtl=True,
                                 labels=labels)
    heat, *key = fig["data"]
    assert heat["showscale"] is False and "colorbar" not in heat
    assert [k["name"] for k in key] == list(labels.values())
    assert [k["marker"]["color"] for k in key] == list(palette.STATUS_COLOURS.values())
    legend = fig["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yanchor"] == "top" and legend["xanchor"] == "right"


def test_coverage_band_names_the_cap_on_the_chart_and_marks_partial_periods() -> None:
    rows = [{"period": p, "area": "gaza-strip", "kcal_pp": k, "kcal_pp_low": k, "kcal_pp_high": k,
             "requirement": 2100, "cap": 2700, "completeness": c}
            for p, k, c in (("2023-10-16", 183, "partial: data from 2023-10-21"), ("2023-10-23", 131, "complete"),
                            ("2023-11-06", 400, "complete"))]
    fig = charts.band(ResultTable("c", [], rows), "period", "kcal_pp", [("kcal_pp_low", "kcal_pp_high", "95 %")],
                      "area", "c", requirement="requirement", cap="cap", y_title="kcal per person per day",
                      partial="completeness")
    labels = [a["text"] for a in fig["layout"]["annotations"]]
    assert "consumption cap (2,700 kcal)" in labels and "requirement (2,100 kcal)" in labels
    assert fig["layout"]["yaxis"]["title"]["text"] == "kcal per person per day"
    marks = next(tr for tr in fig["data"] if tr.get("name") == "partial period")
    assert marks["x"] == ["2023-10-16"]
    median = next(tr for tr in fig["data"] if tr.get("name") == "gaza-strip")
    # a week no row has (2023-10-30) is a gap, not a line drawn across it
    assert median["x"] == ["2023-10-16", "2023-10-23", "2023-10-30", "2023-11-06"]
    assert median["y"] == [183, 131, None, 400]


def test_coverage_of_many_areas_is_one_panel_per_area_each_with_its_cap() -> None:
    areas = [f"PS-{i}" for i in range(6)]
    rows = [{"period": p, "area": a, "kcal_pp": 1000.0, "kcal_pp_low": 900.0, "kcal_pp_high": 1100.0,
             "requirement": 2100, "cap": 2700, "completeness": "complete"}
            for p in ("2024-01-01", "2024-02-01") for a in areas]
    fig = charts.band(ResultTable("c", [], rows), "period", "kcal_pp", [("kcal_pp_low", "kcal_pp_high", "95 %")],
                      "area", "c", requirement="requirement", cap="cap", y_title="kcal per person per day",
                      partial="completeness")
    layout = fig["layout"]
    assert len([k for k in layout if k.startswith("yaxis")]) == 6
    assert [a["text"] for a in layout["annotations"]] == [f"<b>{a}</b>" for a in areas]
    caps = [tr for tr in fig["data"] if str(tr.get("name", "")).startswith("consumption cap")]
    assert len(caps) == 6 and {tr["yaxis"] for tr in caps} == {"y"} | {f"y{i}" for i in range(2, 7)}
    assert sum(bool(tr.get("showlegend", True)) for tr in caps) == 1
