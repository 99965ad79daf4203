"""The place a figure is about: a place in its own clause, the crossing trucks took, else the default area.
"""

from __future__ import annotations

import re

from lifeline.claims.gazetteer import Gazetteer, Mention, Place
from lifeline.claims.rules import Indicator, Rules

# The way trucks took, written before a crossing's name: "through (the) Western Erez", "via Zikim", "عبر معبر زيكيم".
_ROUTE_BEFORE = re.compile(
    r"(?:\bthrough|\bvia|\bat|\bacross|\busing|\bused|\bcrossed|\bby way of|(?<!\w)عبر|من خلال|(?<!\w)من)\s+"
    r"(?:the\s+)?(?:معبر\s+|حاجز\s+)?$",
    re.IGNORECASE,
)


# Figures counted where trucks enter: a crossing named as their way is their place.
TRUCK_INDICATORS = frozenset({"trucks_per_day", "trucks_total", "trucks_prewar"})


def is_crossing_mention(m: Mention) -> bool:
    """A name that is a crossing here: said with its kind word ("the Rafah crossing") or a crossing only."""
    return any(p.type == "crossing" for p in m.places) and (
        m.crossing_word or all(p.type == "crossing" for p in m.places))


def area_of(
    places: list[Mention], at: int, ind: Indicator, rules: Rules, gaz: Gazetteer, own_lo: int = 0, sentence: str = ""
) -> tuple[Place, str]:
    prefer_crossing = ind.name in TRUCK_INDICATORS or ind.name == "crossing_status"
    if not prefer_crossing:  # "the Rafah crossing" is not where people live
        places = [m for m in places if not (m.crossing_word or all(p.type == "crossing" for p in m.places))]
    named_crossings = [
        m for m in places
        if m.start >= own_lo  # in the figure's own clause: "X is open, and 200 trucks entered Gaza" is Gaza's
        and _ROUTE_BEFORE.search(sentence[max(0, m.start - 24) : m.start])  # not "after the Rafah crossing began"
        and is_crossing_mention(m)
    ]
    if prefer_crossing and ind.name != "crossing_status" and named_crossings:
        # Trucks are counted where they enter: "600 trucks entered northern Gaza through the Western Erez crossing",
        # "trucks went north through Gate 96" are the crossing's, not the area's or the direction's.
        places = named_crossings
    if places:
        # A place named after the figure ("... people in Rafah") binds tighter than one before it.
        nearest = min(places, key=lambda m: abs(m.start - at) - (200 if m.start >= at else 0))
        return nearest.pick(prefer_crossing), "named"
    code = rules.default_area
    for name in rules.default_area_names:
        hit = gaz.names.get(" ".join(name.lower().split()))
        if hit:
            return hit[0], "default"
    return Place(code, "Gaza Strip", "territory"), "default"


def unknown_reason(names: list[str], default: Place) -> str:
    return (
        f"a place not in the store ({', '.join(names)}): the figure is about a place the store does not hold (or "
        f"another crisis), so it is not judged against the {default.name}'s figures (import that place or "
        "context to check it)"
    )


_CONJUNCTION = re.compile(r"\s*(?:,|and|&|or|nor|و)\s*(?:the\s+)?", re.IGNORECASE)


def conjoined(sentence: str, mention: Mention, crossings: list[Mention]) -> list[Mention]:
    """The crossing a status word speaks of and those listed with it ("Kerem Shalom and Rafah crossings")."""
    ordered = sorted(crossings, key=lambda m: m.start)
    i = ordered.index(mention)
    lo = hi = i
    while lo > 0 and _CONJUNCTION.fullmatch(sentence[ordered[lo - 1].end : ordered[lo].start]):
        lo -= 1
    while hi + 1 < len(ordered) and _CONJUNCTION.fullmatch(sentence[ordered[hi].end : ordered[hi + 1].start]):
        hi += 1
    return ordered[lo : hi + 1]


def crossings_with(places: list[Mention], place: Place, ind: Indicator, sentence: str) -> tuple[Place, ...]:
    """The other crossings a truck figure counts with its own: "180 trucks entered through the Mellit Road
    checkpoint and Kabkabiya Road gate" is the two crossings' total, not the first one's."""
    if ind.name not in TRUCK_INDICATORS or place.type != "crossing":
        return ()
    crossings = [m for m in places if is_crossing_mention(m)]
    own = next((m for m in crossings if m.pick(True) == place), None)
    if own is None:
        return ()
    listed = [m.pick(True) for m in conjoined(sentence, own, crossings)]
    return tuple(dict.fromkeys(p for p in listed if p != place))
