"""The claims rule set (``assumptions/data/claims.toml``) compiled once into regular expressions.

Compiling is the costly part of extraction, so it happens once per rule set, not once per sentence
or document; every face and the batch mode share the compiled :class:`Rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from lifeline.assumptions import AssumptionSet
from lifeline.assumptions.loader import load_sets
from lifeline.errors import UserError

ACCESS_SET = "access"  # working_days_per_week: the pre-war baseline per calendar day


@dataclass(frozen=True)
class Indicator:
    """One countable thing a claim can assert, with how it is compared with evidence."""

    name: str
    label: str
    kind: str  # stock | rate | total | share | status
    unit: str
    patterns: tuple[re.Pattern[str], ...]
    evidence: tuple[str, ...]
    lookback_days: int
    after_days: int
    tolerance: float
    source: str
    derived_from: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Attribution:
    """A source a statement can attribute a figure to ("according to UN records", "COGAT says"):
    the names it goes by in text, and the evidence sources that are its figures."""

    name: str
    names: re.Pattern[str]
    sources: re.Pattern[str]
    family: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Event:
    """A dated event a statement can count from ("since the start of the operation"): where it took place."""

    name: str
    start: date
    places: tuple[str, ...]
    source: str


@dataclass
class Rules:
    """Everything extraction and checking need from the assumption set, compiled."""

    assumptions: AssumptionSet
    qualifier_re: re.Pattern[str]
    qualifier_kind: dict[str, str]
    vague: dict[str, tuple[float, float]]
    scales: dict[str, float]
    number_words: dict[str, float]
    fractions: dict[str, float]
    indicators: dict[str, Indicator]
    order: list[str]
    status_words: dict[str, re.Pattern[str]]
    default_area: str
    default_area_names: list[str]
    abbreviations: frozenset[str]
    area_aliases: dict[str, list[str]] = field(default_factory=dict)
    unsupported_units: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    unsupported_topics: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    attribution_cue: re.Pattern[str] | None = None
    baseline_re: re.Pattern[str] | None = None
    rate_after: re.Pattern[str] | None = None
    rate_before: re.Pattern[str] | None = None
    events: list[Event] = field(default_factory=list)
    since_event: re.Pattern[str] | None = None
    # the other sets whose constants the claims' figures use, with the same override files routed to them:
    # access (working_days_per_week for shares of the pre-war flow), the coverage engine's set (kcal)
    sets: dict[str, AssumptionSet] = field(default_factory=dict)

    def value(self, name: str) -> float:
        return self.assumptions.value(name)

    def set_of(self, name: str) -> AssumptionSet:
        """Another set the claims use (``access``, the coverage set), with the overrides routed to it."""
        found = self.sets.get(name)
        if found is None:
            from lifeline.assumptions import load_set

            return load_set(name)
        return found

    @property
    def access(self) -> AssumptionSet:
        return self.set_of(ACCESS_SET)

    @property
    def coverage(self) -> AssumptionSet:
        from lifeline.model.coverage import DEFAULT_SET

        return self.set_of(DEFAULT_SET)

    def source_of(self, name: str) -> str:
        return self.assumptions.get(name).source

    @property
    def war_start(self) -> date:
        raw = str(int(self.value("war_start")))
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))


def _table(tables: dict[str, Any], name: str) -> dict[str, Any]:
    value = tables.get(name)
    if not isinstance(value, dict):
        raise UserError(f"claims rule set: table [{name}] is missing")
    return {k: v for k, v in value.items() if k != "source" and k != "note"}


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise UserError(f"claims rule set: bad regular expression in {where}: {exc}") from None


_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u066E-\u06D3]")


def _whole_words(patterns: Iterable[str], affixes: dict[str, Any]) -> str:
    """One alternation matching each entry as whole words only, never inside a longer word (Unicode word
    characters, so Arabic too). An entry that starts in Arabic script may carry the attached prefixes and
    suffixes of ``affixes`` (و/ف, ب/ل/ك, ال, لل; tanwin, plurals, pronouns): "بالجوع" is the word جوع, "رجوع"
    is not."""
    prefix, suffix = str(affixes.get("prefix", "")), str(affixes.get("suffix", ""))
    parts = []
    for pat in patterns:
        arabic = bool(_ARABIC_LETTER.match(pat))
        parts.append(f"(?<!\\w){prefix if arabic else ''}(?:{pat}){suffix if arabic else ''}(?!\\w)")
    return "|".join(parts) if parts else "(?!x)x"


def build(aset: AssumptionSet, sets: dict[str, AssumptionSet] | None = None) -> Rules:
    """Compile an assumption set of the claims shape; ``sets`` are the other sets the claims use."""
    t = aset.tables
    qualifiers = _table(t, "qualifiers")
    kind_of: dict[str, str] = {}
    for kind, phrases in qualifiers.items():
        for phrase in phrases:
            kind_of[phrase.lower()] = kind
    qualifier_re = re.compile(r"(?:^|(?<=[\s(\"'“]))(" + _alternation(kind_of) + r")\s*$", re.IGNORECASE)
    tolerances = _table(t, "tolerances")
    default_tol = aset.value("tolerance_default")
    inds_raw = _table(t, "indicators")
    order = [str(x) for x in inds_raw.pop("order", [])]
    indicators: dict[str, Indicator] = {}
    for name, raw in inds_raw.items():
        tol = tolerances.get(name, default_tol)
        if raw.get("kind") == "share":
            tol = aset.value("percent_tolerance_points")
        indicators[name] = Indicator(
            name=name,
            label=str(raw.get("label", name)),
            kind=str(raw["kind"]),
            unit=str(raw.get("unit", "")),
            patterns=tuple(_compile(p, f"[indicators.{name}]") for p in raw.get("patterns", [])),
            evidence=tuple(raw.get("evidence", [])),
            lookback_days=int(raw.get("lookback_days", 31)),
            after_days=int(raw.get("after_days", 0)),
            tolerance=float(tol),
            source=str(raw.get("source", "")),
            derived_from=tuple(raw.get("derived_from", [])),
            extra=dict(raw),
        )
    order = [n for n in order if n in indicators] + [n for n in indicators if n not in order]
    status = {k: _compile("|".join(v), f"[status_words.{k}]") for k, v in _table(t, "status_words").items()}
    areas = t.get("areas", {})
    unsupported = t.get("unsupported", {})
    units = [
        (reason, _compile(r"^\s*(?:[\w'-]+\s+)?(?:" + "|".join(pats) + r")(?!\w)", f"[unsupported.units] {reason}"))
        for reason, pats in unsupported.get("units", {}).items()
        if isinstance(pats, list)
    ]
    affixes = unsupported.get("arabic_affixes", {})
    topics = [
        (reason, _compile(_whole_words(pats, affixes), f"[unsupported.topics] {reason}"))
        for reason, pats in unsupported.get("topics", {}).items()
        if isinstance(pats, list)
    ]
    reading = t.get("reading", {})
    attributions = []
    att = t.get("attributions", {})
    for name, spec in att.items():
        if not isinstance(spec, dict):
            continue
        fam = spec.get("family")
        fam_spec = att.get(fam) if isinstance(fam, str) else None
        attributions.append(
            Attribution(
                name=str(spec.get("label", name)),
                names=_compile(r"(?<!\w)(?:" + "|".join(spec.get("names", [])) + r")(?!\w)", f"[attributions.{name}]"),
                sources=_compile("|".join(spec.get("sources", [])), f"[attributions.{name}] sources"),
                family=_compile("|".join(fam_spec.get("sources", [])), f"[attributions.{fam}] sources")
                if isinstance(fam_spec, dict)
                else None,
            )
        )
    attributions.sort(key=lambda a: a.family is None)  # a named agency before its family

    def _opt(key: str) -> re.Pattern[str] | None:
        pats = reading.get(key)
        return _compile("|".join(pats), f"[reading] {key}") if isinstance(pats, list) and pats else None

    events = []
    for name, spec in t.get("events", {}).items():
        if isinstance(spec, dict):
            raw = str(int(spec["start"]))
            start = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
            places = tuple(str(p) for p in spec.get("places", []))
            events.append(Event(str(spec.get("label", name)), start, places, str(spec.get("source", ""))))
    return Rules(
        sets=dict(sets or {}),
        events=events,
        since_event=_opt("since_event"),
        attributions=attributions,
        attribution_cue=_opt("attribution_cue"),
        baseline_re=_opt("baseline"),
        rate_after=_opt("rate_after"),
        rate_before=_opt("rate_before"),
        unsupported_units=units,
        unsupported_topics=topics,
        assumptions=aset,
        qualifier_re=qualifier_re,
        qualifier_kind=kind_of,
        vague={k.lower(): (float(v[0]), float(v[1])) for k, v in _table(t, "vague").items()},
        scales={k.lower(): float(v) for k, v in _table(t, "scales").items()},
        number_words={k.lower(): float(v) for k, v in _table(t, "number_words").items()},
        fractions={k.lower(): float(v) for k, v in _table(t, "fractions").items()},
        indicators=indicators,
        order=order,
        status_words=status,
        default_area=str(areas.get("default", "gaza-strip")),
        default_area_names=[str(n) for n in areas.get("default_names", [])],
        area_aliases={
            str(k): [str(n) for n in v]
            for k, v in areas.get("aliases", {}).items() if isinstance(v, list)
        },
        abbreviations=frozenset(a.lower() for a in t.get("sentences", {}).get("abbreviations", [])),
        files=list(aset.files),
    )


@lru_cache(maxsize=8)
def _cached(overrides: tuple[str, ...]) -> Rules:
    from lifeline.model.coverage import DEFAULT_SET

    sets = load_sets(["claims", ACCESS_SET, DEFAULT_SET], [Path(p) for p in overrides])
    own = sets.pop("claims")
    return build(own, sets)


def load_rules(overrides: Iterable[str | Path] = ()) -> Rules:
    """The shipped claims rules with override files merged over them (compiled once per combination).
    A file may change any constant the claims use, wherever it is defined: claims.toml, access.toml
    (working_days_per_week) or the coverage engine's set (sphere-2100), as that command's own
    ``--assumptions`` would."""
    return _cached(tuple(str(p) for p in overrides))
