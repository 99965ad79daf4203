"""The allocation LPs against small cases solved by hand."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.model.allocation import Problem, coverage, maximin, trucks_needed

KPT = 2e6  # kcal per truck in these cases
REQ = 2000.0


def _problem(cap: list[float], reach: list[list[bool]], pop: list[float], other: list[float] | None = None) -> Problem:
    return Problem(
        crossings=[f"c{i}" for i in range(len(cap))],
        areas=[f"a{j}" for j in range(len(pop))],
        capacity=np.array(cap),
        reach=np.array(reach),
        population=np.array(pop),
        requirement_kcal=REQ,
        kcal_per_truck=np.full(len(cap), KPT),
        other_kcal=None if other is None else np.array(other),
    )


def test_maximin_equalises_when_a_shared_route_allows_it() -> None:
    # A (100/day) reaches both areas, B (50/day) only area 2. Area 1 needs 100 trucks/day, area 2 200.
    # By hand: x1 / 100 = (150 - x1) / 200  ->  x1 = 50, min coverage t = 0.5; B sends all to area 2.
    p = _problem([100, 50], [[True, True], [False, True]], [1e5, 2e5])
    sol = maximin(p)
    assert sol.min_coverage == pytest.approx(0.5)
    np.testing.assert_allclose(sol.coverage, [0.5, 0.5])
    np.testing.assert_allclose(sol.trucks, [[50, 50], [0, 50]], atol=1e-6)


def test_maximin_bound_by_an_isolated_area_then_uses_spare_capacity() -> None:
    # A (30/day) reaches only area 1 (needs 100): t <= 0.3. B (500/day) reaches only area 2 (needs 200):
    # the min is 0.3; the second pass still sends all 500 to area 2 (coverage 2.5) rather than idling.
    p = _problem([30, 500], [[True, False], [False, True]], [1e5, 2e5])
    sol = maximin(p)
    assert sol.min_coverage == pytest.approx(0.3)
    np.testing.assert_allclose(sol.coverage, [0.3, 2.5])


def test_other_inflows_count_towards_coverage() -> None:
    # Area 1 already receives half its need by other means (1e8 kcal/day of 2e8): with 100 trucks shared,
    # (50 + x1) / 100 = (100 - x1) / 200 -> x1 = 0 ... t = 0.5 with all trucks to area 2.
    p = _problem([100], [[True, True]], [1e5, 2e5], other=[1e8, 0])
    sol = maximin(p)
    assert sol.min_coverage == pytest.approx(0.5)
    np.testing.assert_allclose(sol.trucks, [[0, 100]], atol=1e-6)


def test_trucks_needed_and_extra_capacity() -> None:
    p = _problem([100, 50], [[True, True], [False, True]], [1e5, 2e5])
    need = trucks_needed(p)
    assert need.total_per_day == pytest.approx(300)  # 100 + 200 by hand
    np.testing.assert_allclose(need.per_area, [100, 200])
    assert need.extra_capacity.sum() == pytest.approx(150)  # 300 needed, 150 available
    np.testing.assert_allclose(coverage(p, need.trucks), [1, 1])


def test_unreachable_area_is_reported_not_hidden() -> None:
    p = _problem([100], [[True, False]], [1e5, 2e5])
    need = trucks_needed(p)
    assert need.unreachable == ["a1"] and need.total_per_day == pytest.approx(100)


def test_leximin_shares_what_is_left_after_the_bottleneck_evenly() -> None:
    # Area 0 only by A (10/day, needs 100): stuck at 0.1. B (300/day) reaches areas 1 and 2 (need 100
    # and 200): by hand the next level is 300 / 300 = 1.0 for both, not everything to one of them.
    p = _problem([10, 300], [[True, False, False], [False, True, True]], [1e5, 1e5, 2e5])
    sol = maximin(p)
    np.testing.assert_allclose(sol.coverage, [0.1, 1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(sol.trucks[1], [0, 100, 200], atol=1e-6)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_cases_respect_capacity_reach_and_the_maximin_level(seed: int) -> None:
    """Leximin's lowest coverage equals the plain maximin optimum (one LP), found here by bisection."""
    rng = np.random.default_rng(seed)
    c_n, a_n = 6, 40
    reach = rng.random((c_n, a_n)) < 0.3
    reach[rng.integers(0, c_n, a_n), np.arange(a_n)] = True  # every area reachable
    p = Problem(
        [f"c{i}" for i in range(c_n)],
        [f"a{j}" for j in range(a_n)],
        rng.uniform(5, 60, c_n),
        reach,
        rng.uniform(1e4, 3e5, a_n),
        REQ,
        rng.uniform(1e7, 4e7, c_n),
    )
    sol = maximin(p)
    assert np.all(sol.trucks[~reach] == 0) and np.all(sol.trucks.sum(axis=1) <= p.capacity * (1 + 1e-6))

    def feasible(t: float) -> bool:  # is coverage >= t everywhere achievable? (a trucks-needed LP on scaled need)
        q = Problem(p.crossings, p.areas, p.capacity, reach, p.population * t, REQ, p.kcal_per_truck)
        return bool(trucks_needed(q).extra_capacity.sum() < 1e-6)

    lo, hi = 0.0, 10.0
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if feasible(mid) else (lo, mid)
    assert sol.min_coverage == pytest.approx(lo, rel=1e-4)
