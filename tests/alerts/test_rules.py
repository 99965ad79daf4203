"""Each rule on constructed data where the answer is known, and on the real line lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, update

from lifeline.alerts.config import load_config
from lifeline.alerts.evaluate import evaluate
from lifeline.alerts.model import short_key
from lifeline.alerts.rules import (
    coverage_low,
    crossing_closed,
    crossing_gap,
    facilities_worse,
    revision,
    sources_diverge,
    trucks_low,
)
from lifeline.alerts.store import list_alerts
from lifeline.store import schema
from lifeline.store.tables_alerts import alerts
from tests.alerts import data

D0 = date(2024, 4, 1)


def _gap_store(engine: Engine, gap: set[date]) -> None:
    with engine.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(
            conn,
            ds,
            "un-list",
            data.every_day(D0, 40, "rafah", 2, skip=gap) + data.every_day(D0, 40, "kerem-shalom", 3),
        )


def test_crossing_gap_finds_exactly_the_missing_days_and_never_says_closed(store: Engine) -> None:
    gap = {D0 + timedelta(days=d) for d in range(10, 14)}  # 4 days: 11-14 April
    short = {D0 + timedelta(days=20), D0 + timedelta(days=21)}  # 2 days: below N = 3
    _gap_store(store, gap | short)
    with store.connect() as conn:
        (a,) = crossing_gap(conn, load_config())
    assert (a.place, a.period_start, a.period_end) == ("rafah", date(2024, 4, 11), date(2024, 4, 14))
    assert a.evidence["days_without_entries"] == 4 and a.evidence["next_entry"] == date(2024, 4, 15)
    assert "closed" not in a.title.lower() and "not the same as a closure" in a.message
    assert a.sources[0]["publisher"] == "UNRWA"


def test_crossing_gap_running_to_the_end_of_the_list_is_ongoing(store: Engine) -> None:
    _gap_store(store, {D0 + timedelta(days=d) for d in range(30, 40)})
    with store.connect() as conn:
        (a,) = crossing_gap(conn, load_config())
    assert a.period_end == D0 + timedelta(days=39) and a.evidence["ongoing_at_end_of_data"] is True


def test_threshold_is_overridable(store: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _gap_store(store, {D0 + timedelta(days=d) for d in range(10, 14)})
    override = tmp_path / "o.toml"
    override.write_text("[assumptions.crossing_gap_days]\nvalue = 5\nsource = 'test'\n")
    with store.connect() as conn:
        assert crossing_gap(conn, load_config([override])) == []


def test_reported_closure_lasts_until_the_next_status_event(store: Engine) -> None:
    with store.begin() as conn:
        ds = data.dataset(conn, "ref", "Lifeline reference")
        data.observation(conn, ds, "crossing_status", "rafah", date(2024, 5, 7), text="closed")
        data.observation(conn, ds, "crossing_status", "kerem-shalom", date(2024, 5, 5), text="closed")
        data.observation(conn, ds, "crossing_status", "kerem-shalom", date(2024, 5, 6), text="open")  # 1 day: too short
        data.observation(conn, ds, "crossing_status", "erez", date(2024, 6, 1), text="open")
    with store.connect() as conn:
        (a,) = crossing_closed(conn, load_config())
    # No later event for Rafah: the closure runs to the newest date the store knows (the last event).
    assert (a.place, a.period_start, a.period_end) == ("rafah", date(2024, 5, 7), date(2024, 6, 1))
    assert a.evidence["days"] == 26 and a.sources[0]["publisher"] == "OCHA"


def test_confirmations_extend_one_closure_and_a_reported_end_date_stops_it(store: Engine) -> None:
    with store.begin() as conn:
        ds = data.dataset(conn, "ref", "Lifeline reference")
        data.observation(conn, ds, "crossing_status", "rafah", date(2024, 5, 7), text="closed")
        data.observation(conn, ds, "crossing_status", "rafah", date(2024, 5, 10), text="Closed", publisher="UN")
        data.observation(conn, ds, "crossing_status", "rafah", date(2024, 5, 30), text="open")
        data.observation(
            conn, ds, "crossing_status", "jlots", date(2024, 5, 12), text="closed", period_end=date(2024, 5, 20)
        )
        data.observation(
            conn, ds, "crossing_status", "jlots", date(2024, 5, 25), text="closed", period_end=date(2024, 5, 26)
        )
    with store.connect() as conn:
        got = {a.key: a for a in crossing_closed(conn, load_config())}
    rafah = got[short_key("crossing-closed/rafah/2024-05-07")]
    assert rafah.period_end == date(2024, 5, 29) and [s["publisher"] for s in rafah.sources] == ["OCHA", "UN"]
    assert "confirmed by 1 later report" in rafah.message
    # The pier: closed 12-20 May as reported (9 days); the 25-26 May report is a new, 2-day episode (< 3 days).
    pier = got[short_key("crossing-closed/jlots/2024-05-12")]
    assert pier.period_end == date(2024, 5, 20) and "the end date reported" in pier.message
    assert short_key("crossing-closed/jlots/2024-05-25") not in got


def test_trucks_low_episode_uses_the_window_mean(store: Engine) -> None:
    with store.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        rows = data.every_day(D0, 30, "kerem-shalom", 150) + data.every_day(
            D0 + timedelta(days=30), 20, "kerem-shalom", 50
        )
        rows += data.every_day(D0 + timedelta(days=50), 20, "kerem-shalom", 150)
        data.deliveries(conn, ds, "un-list", rows)
    with store.connect() as conn:
        (a,) = trucks_low(conn, load_config())
    # 7-day mean < 100 once at least 4 of the 7 days are at 50: from day 33 (1 May + 3) to day 52.
    assert a.period_start == D0 + timedelta(days=33) and a.period_end == D0 + timedelta(days=52)
    assert a.evidence["lowest_window_mean"] == 50.0 and a.evidence["limit_trucks_per_day"] == 100.0


def test_sources_diverge_by_week(store: Engine) -> None:
    monday = date(2024, 4, 1)
    with store.begin() as conn:
        a = data.dataset(conn, "un-list", "UNRWA")
        b = data.dataset(conn, "cogat-list", "COGAT")
        data.deliveries(conn, a, "un-list", data.every_day(monday, 28, "kerem-shalom", 10))
        data.deliveries(
            conn,
            b,
            "cogat-list",
            data.every_day(monday, 14, None, 11) + data.every_day(monday + timedelta(days=14), 14, None, 25),
        )
    with store.connect() as conn:
        (alert,) = sources_diverge(conn, load_config())
    assert (alert.period_start, alert.period_end) == (date(2024, 4, 15), date(2024, 4, 28))
    assert alert.evidence["weekly_ratio"] == [2.5, 2.5] and "COGAT counted 2.50 times" in alert.message


def test_revision_of_a_past_month_above_threshold(store: Engine) -> None:
    with store.begin() as conn:
        d1 = data.dataset(conn, "un-list", "UNRWA", "list-20240911.csv")
        ids = data.deliveries(conn, d1, "un-list", data.every_day(D0, 30, "kerem-shalom", 1))  # April: 30 trucks
        d2 = data.dataset(conn, "un-list", "UNRWA", "list-20241111.csv")
        now = datetime.now(UTC)
        # The newer file withdraws 2 April rows: -2 trucks of 30 = 6.7% (> 5%), but below 10 rows: no alert yet.
        for rid in ids[:2]:
            conn.execute(update(schema.deliveries).where(schema.deliveries.c.id == rid).values(withdrawn_dataset_id=d2))
            conn.execute(
                insert(schema.revisions).values(
                    table_name="deliveries",
                    record_id=rid,
                    dataset_id=d2,
                    previous_dataset_id=d1,
                    changed_at=now,
                    action="withdrawn",
                    old_values={"date": str(D0), "trucks": 1.0, "kg": 20000.0},
                    new_values=None,
                )
            )
    cfg = load_config()
    with store.connect() as conn:
        assert revision(conn, cfg) == []
    with store.begin() as conn:  # ...and changes 10 more rows from 1 to 2 trucks: +10 -2 = +8 of 30
        for rid in ids[10:20]:
            conn.execute(
                update(schema.deliveries).where(schema.deliveries.c.id == rid).values(trucks=2.0, dataset_id=d2)
            )
            conn.execute(
                insert(schema.revisions).values(
                    table_name="deliveries",
                    record_id=rid,
                    dataset_id=d2,
                    previous_dataset_id=d1,
                    changed_at=now,
                    action="changed",
                    old_values={"trucks": 1.0},
                    new_values={"trucks": 2.0},
                )
            )
    with store.connect() as conn:
        (a,) = revision(conn, cfg)
    assert a.evidence["trucks_before"] == 30 and a.evidence["trucks_after"] == 38
    assert a.evidence["pct_trucks"] == pytest.approx(100 * 8 / 30) and a.evidence["rows_revised"] == 12


def test_facility_count_worsening(store: Engine) -> None:
    with store.begin() as conn:
        ds = data.dataset(conn, "ref", "Lifeline reference")
        data.observation(conn, ds, "hospitals_functioning", "gaza-strip", date(2024, 2, 15), value=15, publisher="WHO")
        data.observation(conn, ds, "hospitals_functioning", "gaza-strip", date(2024, 5, 22), value=12)
        data.observation(conn, ds, "hospitals_functioning", "PS-RFH", date(2024, 5, 1), value=3)
    with store.connect() as conn:
        (a,) = facilities_worse(conn, load_config())
    assert (a.evidence["previous"], a.evidence["current"], a.period_start) == (15, 12, date(2024, 5, 22))
    assert [s["publisher"] for s in a.sources] == ["WHO", "OCHA"]


def test_evaluate_twice_and_after_reimport_never_duplicates(store: Engine) -> None:
    _gap_store(store, {D0 + timedelta(days=d) for d in range(10, 14)})
    first = evaluate(store)
    assert first.result.new and not first.errors
    second = evaluate(store)
    assert second.result.new == [] and second.queued == 0
    with store.connect() as conn:
        keys = [a["key"] for a in list_alerts(conn, include_resolved=True)]
        assert len(keys) == len(set(keys)) == conn.execute(select(func.count()).select_from(alerts)).scalar_one()


@pytest.mark.slow
def test_real_line_lists_show_the_may_2024_gaps_and_source_divergence(sqlite_store: Engine, shared) -> None:  # type: ignore[no-untyped-def]
    from lifeline.ingest.service import import_file

    for name in (
        "unrwa-commodities-received-20240911.xlsx",
        "unrwa-commodities-received-20241111.csv",
        "cogat-gaza-aid-data-20240924.csv",
    ):
        import_file(sqlite_store, shared.file(name))
    ev = evaluate(sqlite_store)
    assert not ev.errors
    with sqlite_store.connect() as conn:
        got = {a["key"]: a for a in list_alerts(conn, include_resolved=True)}
        still_open = {a["key"] for a in list_alerts(conn)}
    rafah = got[short_key("crossing-gap/rafah/2024-05-05/unrwa-commodities-received")]
    assert rafah["period_end"] == date(2024, 9, 30) and "partial" in rafah["message"]  # the publisher's caveat
    assert rafah["state"] == "open" and rafah["key"] in still_open  # no entries up to the end of the list
    ks = got[short_key("crossing-gap/kerem-shalom/2024-05-06/unrwa-commodities-received")]
    assert ks["period_end"] == date(2024, 5, 10)
    # entries resumed on 11 May: the gap has ended and its alert is resolved on its last day, kept, not listed
    assert (ks["state"], ks["resolved_on"], ks["resolution"]) == ("resolved", date(2024, 5, 10), "condition ended")
    assert ks["key"] not in still_open
    div = got[short_key("sources-diverge/gaza-strip/2024-05-06/COGAT/UNRWA")]
    assert 1.9 < div["evidence"]["trucks_COGAT"] / div["evidence"]["trucks_UNRWA"] < 2.4
    may = [a for k, a in got.items() if k.startswith("coverage-low.gaza-strip.2024-05")]
    assert may and all(a["evidence"]["lowest_coverage"] < 0.8 for a in may)  # the coverage drops after 6 May
    again = evaluate(sqlite_store)
    assert again.result.new == []


def test_coverage_low_windows_from_the_coverage_engine(sqlite_store: Engine) -> None:
    """2,226,544 people (sphere-2100) need 4.676e9 kcal/day; 70 t of flour/day (2.45e8 kcal) is 5 %: alert.
    After 20 days at 1,500 t/day (5.25e9 kcal/day, above need) the 7-day windows recover."""
    with sqlite_store.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        days = [(D0 + timedelta(days=i), "kerem-shalom", 1.0, 70000.0 if i < 20 else 1.5e6) for i in range(40)]
        data.deliveries(conn, ds, "un-list", days, commodity="wheat-flour")
    with sqlite_store.connect() as conn:
        (a,) = [x for x in coverage_low(conn, load_config()) if x.place == "gaza-strip"]
    assert a.period_start == D0 and a.evidence["lowest_coverage"] == pytest.approx(0.05, abs=0.01)
    # A window with k big days covers (k x 5.25 + (7-k) x 0.245) / 7 / 4.676 of need, times the median run's
    # 0.95 (loss_fraction uniform 0-10 %): k = 5 gives 0.776 (< 0.8), k = 6 gives 0.921. Big days start at
    # index 20, so the last low window ends at index 24 (k = 5).
    assert a.period_end == D0 + timedelta(days=24)


def test_revision_rule_on_a_republished_list_through_the_import_service(sqlite_store: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two versions of a UNRWA-shaped list: the second doubles the pallets of 12 April rows (+40 % tonnes)."""
    from lifeline.ingest.service import import_file
    from tests.cli.helpers import unrwa_csv, unrwa_row

    def version(stamp: str, changed: int) -> Path:
        rows = [
            unrwa_row(i + 1, day=(D0 + timedelta(days=i)).isoformat(), quantity=20 if i < changed else 10)
            for i in range(30)
        ]
        return unrwa_csv(tmp_path / f"unrwa-commodities-received-{stamp}.csv", rows)

    import_file(sqlite_store, version("20240601", 0))
    assert evaluate(sqlite_store, only=["revision"]).found == 0
    report = import_file(sqlite_store, version("20240701", 12))
    assert report.rows_changed == 12
    ev = evaluate(sqlite_store, only=["revision"])
    with sqlite_store.connect() as conn:
        (a,) = list_alerts(conn, rule="revision")
    assert a["period_start"] == date(2024, 4, 1) and a["evidence"]["rows_revised"] == 12
    assert a["evidence"]["pct_tonnes"] == pytest.approx(40.0) and ev.result.new == [a["key"]]
    assert "unrwa-commodities-received-20240701.csv" in a["title"]


def _with_stray_rows(engine: Engine, *stray: date) -> None:
    """The trucks-low store above (150, then 50 for 20 days, then 150 trucks a day) plus stray rows."""
    with engine.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        rows = data.every_day(D0, 30, "kerem-shalom", 150) + data.every_day(
            D0 + timedelta(days=30), 20, "kerem-shalom", 50
        )
        rows += data.every_day(D0 + timedelta(days=50), 20, "kerem-shalom", 150)
        rows += [(day, "kerem-shalom", 150.0) for day in stray]
        data.deliveries(conn, ds, "un-list", rows)


def test_a_stray_early_row_neither_stretches_the_day_range_nor_hides_the_episode(store: Engine) -> None:
    from lifeline.alerts.rules.reading import daily_rows
    from lifeline.alerts.rules.trucks import _daily_series
    from lifeline.model.contexts import Scope
    from lifeline.store.window import MAX_WINDOW_DAYS

    _with_stray_rows(store, date(1948, 1, 1))
    with store.connect() as conn:
        days = _daily_series(daily_rows(conn, Scope(None)), "un-list")
        found = trucks_low(conn, load_config())
    assert days.height == MAX_WINDOW_DAYS + 1 and days["date"].max() == D0 + timedelta(days=69)
    first = D0 + timedelta(days=69 - MAX_WINDOW_DAYS)  # the most recent days are kept, as the models keep them
    assert days["date"].min() == first
    # the list's own episode is found as without the stray row; the days the stray row claims the list covers
    # (recorded nothing: zero trucks) make another, inside the window, never reaching back to 1948
    assert (D0 + timedelta(days=33), D0 + timedelta(days=52)) in {(a.period_start, a.period_end) for a in found}
    assert all(a.period_start >= first for a in found)


@pytest.mark.parametrize("stray", [[date(2100, 12, 31)], [date(1948, 1, 1), date(2100, 12, 31)]])
def test_a_stray_late_row_bounds_the_range_to_a_window(store: Engine, stray: list[date]) -> None:
    from lifeline.alerts.rules.reading import daily_rows
    from lifeline.alerts.rules.trucks import _daily_series
    from lifeline.model.contexts import Scope
    from lifeline.store.window import LATEST_DAY, MAX_WINDOW_DAYS

    _with_stray_rows(store, *stray)
    with store.connect() as conn:
        days = _daily_series(daily_rows(conn, Scope(None)), "un-list")
        found = trucks_low(conn, load_config())
    assert days.height == MAX_WINDOW_DAYS + 1 and days["date"].max() == LATEST_DAY
    assert days["date"].is_sorted() and days["date"].n_unique() == days.height
    first = LATEST_DAY - timedelta(days=MAX_WINDOW_DAYS)
    assert all(first <= x.period_start <= x.period_end <= LATEST_DAY for x in found)
