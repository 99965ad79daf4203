"""The web map's colours and the shipped place names; the shapes come from the core (``lifeline.geo.drawing``),
drawn as SVG on the server: no tiles, no network, no JS needed."""

from __future__ import annotations

from lifeline.geo import schematic

WIDTH, HEIGHT, PAD = 520.0, 560.0, 24.0


def names() -> dict[str, dict[str, str]]:
    """English and Arabic names of the schematic's places (used when the reference set is not loaded)."""
    return {f.code: {"en": f.name_en, "ar": f.name_ar} for f in schematic.features()}


def coverage_colour(value: float | None, requirement: float | None) -> str:
    """Sequential red-to-green by share of the requirement; grey when unknown (never 'zero')."""
    if value is None or not requirement:
        return "#d9d9d9"
    share = max(0.0, min(value / requirement, 1.2))
    steps = [(0.25, "#b2182b"), (0.5, "#ef8a62"), (0.75, "#fddbc7"), (1.0, "#d1e5f0"), (99, "#67a9cf")]
    return next(colour for limit, colour in steps if share < limit)
