"""Hints in another context's refusals name its own indicators and its own files, never Gaza's reference set."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from lifeline.errors import NotFound
from lifeline.model.series import series_table


def test_an_unknown_indicator_lists_only_the_context_own(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn, pytest.raises(NotFound) as zarqa:
        series_table(conn, "no_such_indicator", context="XZ")
    with two_contexts.connect() as conn, pytest.raises(NotFound) as gaza:
        series_table(conn, "no_such_indicator", context="gaza-strip")
    said = str(zarqa.value)
    assert "indicators held: " in said and "population" in said
    held = set(said.split("indicators held: ")[1].split(", "))
    gaza_only = {"trucks_per_day_prewar", "food_trucks_per_day_prewar", "trucks_per_day_needed"}
    assert held and not held & gaza_only, held
    assert "reference load" not in said
    assert "trucks_per_day_prewar" in str(gaza.value)
