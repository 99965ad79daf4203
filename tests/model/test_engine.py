"""Engine pieces: population interpolation, the closed-form carry-over, draws and period bins."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.assumptions import Assumption
from lifeline.assumptions.loader import load_set
from lifeline.errors import UserError
from lifeline.model import balance, montecarlo, population


def test_population_linear_between_points_and_flat_outside() -> None:
    s = population.Series(
        "north", np.array(["2023-10-07", "2023-10-17"], dtype="datetime64[D]"), np.array([1000.0, 500.0]), "test"
    )
    days = population.day_range(date(2023, 10, 5), date(2023, 10, 20))
    p = population.interpolate(s, days)
    assert p[0] == 1000 and p[2] == 1000  # before and on the first estimate
    assert p[7] == pytest.approx(750.0)  # 12 Oct: half way
    assert p[-1] == 500  # held flat after the last


def test_population_rejects_unordered_dates() -> None:
    with pytest.raises(UserError, match="in order"):
        population.Series("x", np.array(["2024-02-01", "2024-01-01"], dtype="datetime64[D]"), np.array([1.0, 2.0]), "t")


def test_closed_form_carry_over_matches_the_day_by_day_recursion() -> None:
    gen = np.random.default_rng(3)
    inflow = gen.uniform(0, 3, (5, 60, 4))
    demand = gen.uniform(0.5, 2.5, (5, 60, 4))
    opening = gen.uniform(0, 2, (5, 1, 4))
    fast = balance.carry_over(inflow, demand, opening)
    slow = np.empty_like(fast)
    c = opening[:, 0, :]
    for t in range(60):
        c = np.maximum(c + inflow[:, t, :] - demand[:, t, :], 0)
        slow[:, t, :] = c
    np.testing.assert_allclose(fast, slow, atol=1e-9)


def test_consumption_never_exceeds_cap_and_kcal_are_conserved() -> None:
    days = population.day_range(date(2024, 1, 1), date(2024, 1, 30))
    gen = np.random.default_rng(1)
    inflow = gen.uniform(0, 5000, (3, 30, 2))
    inputs = balance.BalanceInputs(
        days=days,
        areas=["a", "b"],
        population=np.ones((1, 30, 2)),
        inflows={"x": inflow},
        requirement_kcal=2100,
        cap_kcal=2000.0,
        opening_stock=np.full((1, 1, 2), 100.0),
    )
    r = balance.run(inputs)
    assert (r.consumed <= 2000 + 1e-9).all() and (r.consumed >= -1e-9).all()
    np.testing.assert_allclose(r.consumed.sum(axis=1) + r.carry[:, -1, :], inflow.sum(axis=1) + 100.0)


def test_lag_makes_arrivals_available_next_day() -> None:
    days = population.day_range(date(2024, 1, 1), date(2024, 1, 3))
    inputs = balance.BalanceInputs(
        days=days,
        areas=["a"],
        population=np.ones((1, 3, 1)),
        inflows={"x": np.array([[[10.0], [0.0], [0.0]]])},
        requirement_kcal=1,
        lag_days=1,
    )
    assert balance.run(inputs).consumed.ravel().tolist() == [0.0, 10.0, 0.0]


def test_draws_follow_their_distribution() -> None:
    gen = montecarlo.rng(1)
    u = montecarlo.draw(Assumption("u", 1.0, "", "t", 0.8, 1.2, "uniform"), 20000, gen)
    assert u.min() >= 0.8 and u.max() <= 1.2 and abs(u.mean() - 1.0) < 0.01
    n = montecarlo.draw(Assumption("n", 10.0, "", "t", 8.0, 12.0, "normal"), 20000, gen)
    assert abs(np.quantile(n, 0.975) - 12.0) < 0.1
    ln = montecarlo.draw(Assumption("l", 2.0, "", "t", 1.0, 4.0, "lognormal"), 20000, gen)
    assert abs(np.median(ln) - 2.0) < 0.05
    assert (montecarlo.draw(Assumption("p", 5.0, "", "t", 1.0, 9.0), 1, gen) == 5.0).all()


def test_week_bins_count_from_origin() -> None:
    days = population.day_range(date(2023, 10, 7), date(2023, 10, 30))
    starts, periods = balance.period_index(days, "week")
    assert starts.tolist() == [0, 7, 14, 21]
    assert str(periods[1]) == "2023-10-14"


def test_bad_distribution_is_a_user_error(tmp_path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text('[assumptions.requirement_kcal]\nvalue = 1\nlow = 0\nhigh = 2\ndistribution = "beta"\nsource = "x"\n')
    with pytest.raises(UserError, match="distribution 'beta'"):
        load_set("sphere-2100", [f])


def test_mixture_inflow_equals_its_product_and_is_cut_by_area() -> None:
    gen = np.random.default_rng(2)
    weights, basis = gen.uniform(1, 2, (4, 3)), gen.uniform(0, 5, (3, 20, 6))
    mix = balance.Mixture(weights, basis)
    full = np.einsum("rk,kda->rda", weights, basis)
    np.testing.assert_allclose(np.asarray(mix), full)
    days = population.day_range(date(2024, 1, 1), date(2024, 1, 20))
    kw = dict(days=days, areas=list("abcdef"), population=np.ones((1, 20, 6)), requirement_kcal=5.0, cap_kcal=6.0)
    lazy = balance.summarise(balance.BalanceInputs(inflows={"x": mix}, **kw), by="week", chunk_areas=2)
    eager = balance.summarise(balance.BalanceInputs(inflows={"x": full}, **kw), by="week")
    np.testing.assert_allclose(lazy.per_capita, eager.per_capita)


@given(st.integers(1, 3), st.integers(1, 40), st.integers(1, 3), st.floats(0, 1e9), st.integers(0, 2**32 - 1))
@settings(deadline=None)  # example count: the hypothesis profile (tests/conftest.py)
def test_carry_over_matches_recursion_for_any_shape(runs: int, days: int, areas: int, scale: float, seed: int) -> None:
    gen = np.random.default_rng(seed)
    inflow = gen.uniform(0, 1, (runs, days, areas)) * scale * (gen.uniform(0, 1, (runs, days, areas)) < 0.3)
    demand = gen.uniform(0, 1, (runs, days, areas)) * scale / 3
    opening = gen.uniform(0, 1, (runs, 1, areas)) * scale
    slow = np.empty_like(inflow)
    c = opening[:, 0, :]
    for t in range(days):
        c = np.maximum(c + inflow[:, t, :] - demand[:, t, :], 0)
        slow[:, t, :] = c
    np.testing.assert_allclose(balance.carry_over(inflow, demand, opening), slow, rtol=1e-9, atol=1e-6 * max(scale, 1))
