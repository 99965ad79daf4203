"""Vectorised normalisation rules shared by the importers: crossings, routes, categories, units, commodities.

The rules are data (``assumptions/data/normalisation.toml``); these functions only apply them. Free
text is mapped once per distinct spelling and joined back, never row by row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.place_names import entry_point_key


def _key(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")


def _alias_map(groups: Mapping[str, Any], field: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, spec in groups.items():
        names = spec.get(field, []) if field else spec
        if field == "aliases":
            names = [*names, spec.get("name_en", ""), code]
        for name in names:
            if name:
                out[" ".join(str(name).lower().split())] = code
    return out


def map_values(expr: pl.Expr, mapping: Mapping[str, str]) -> pl.Expr:
    """Map spellings (case- and space-insensitive) to codes; unknown spellings become null."""
    return _key(expr).replace_strict(dict(mapping), default=None, return_dtype=pl.String)


def area(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    """An area's spelling (governorate name, "Gaza Strip") -> its location code; unknown -> null."""
    return map_values(expr, _alias_map(rules.tables["areas"], "aliases"))


def crossing(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    """A crossing's code from a name as written: exactly (case and spaces aside) a name or alias of a known
    entry point, else by the name without articles and kind words ("Jawlat al-Qasr" is the place "Jawlat
    al-Qasr crossing", as ``boundaries import`` matches admin names); a key two entry points share is
    left out, so nothing guesses between them."""
    names = _alias_map(rules.tables["crossings"], "aliases")
    by_key: dict[str, set[str]] = {}
    for name, code in names.items():
        if key := entry_point_key(name):
            by_key.setdefault(key, set()).add(code)
    keyed = {key: next(iter(codes)) for key, codes in by_key.items() if len(codes) == 1}
    loose = expr.map_elements(entry_point_key, return_dtype=pl.String, skip_nulls=True)
    return pl.coalesce(map_values(expr, names), loose.replace_strict(keyed, default=None, return_dtype=pl.String))


def crossing_route(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    """The route (land / sea / air) of a crossing code."""
    routes = {code: spec.get("route", "land") for code, spec in rules.tables["crossings"].items()}
    return expr.replace_strict(routes, default=None, return_dtype=pl.String)


def route(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    return map_values(expr, _alias_map(rules.tables["routes"]))


def category(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    return map_values(expr, _alias_map(rules.tables["categories"]))


def unit_factors(rules: AssumptionSet) -> tuple[dict[str, str], dict[str, float | None]]:
    """Spelling -> unit code, and unit code -> kilograms per unit (None where not convertible)."""
    spelling: dict[str, str] = {}
    factor: dict[str, float | None] = {}
    for code, spec in rules.tables["units"].items():
        for name in spec.get("names", []):
            spelling[" ".join(str(name).lower().split())] = code
        kg = spec.get("kg")
        if spec.get("convertible", True) is False or kg is None:
            factor[code] = None
        else:
            factor[code] = rules.value(kg) if isinstance(kg, str) else float(kg)
    return spelling, factor


def kilograms(quantity: pl.Expr, unit: pl.Expr, rules: AssumptionSet) -> tuple[pl.Expr, pl.Expr]:
    """(unit code, kilograms) for a quantity in a spelled-out unit; unknown units give null kg."""
    spelling, factor = unit_factors(rules)
    code = map_values(unit, spelling)
    kg_per = code.replace_strict(factor, default=None, return_dtype=pl.Float64)
    return code, quantity * kg_per


_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more (not a number, a unit letter)


class CommodityCatalogue:
    """Maps free-text cargo descriptions to commodity codes, by the catalogue's ordered patterns."""

    def __init__(self, rules: AssumptionSet) -> None:
        spec = tuple((c["code"], c.get("group", "other"), tuple(c["patterns"])) for c in rules.tables["commodities"])
        self.patterns = [
            (code, group, re.compile("|".join(f"(?:{p})" for p in pats), re.I)) for code, group, pats in spec
        ]
        self.groups = {code: group for code, group, _ in spec}
        self.one_by_one = {code: [re.compile(p, re.I) for p in pats] for code, _group, pats in spec}
        rule = rules.tables["commodity_rules"]
        self.split = re.compile(rule["split"], re.I)
        self.heads = re.compile(rule.get("modified_heads", r"(?!)"), re.I)

    def match_part(self, part: str) -> str | None:
        for code, _group, pattern in self.patterns:
            if pattern.search(part):
                return code
        return None

    def _on_a_modified_head(self, part: str, code: str) -> bool:
        """Whether ``part`` matched ``code`` only on a head word its modifier may redefine ("peanut butter" is
        not the butter of oil-fat, "groundnut paste" not a paste of tomatoes): every hit is such a word alone
        and a word stands before it. A rule that names the compound ("clarified butter") is confident."""
        hits = [m for p in self.one_by_one[code] for m in p.finditer(part)]
        if not hits or any(not self.heads.fullmatch(m.group().strip()) for m in hits):
            return False
        return bool(_WORD.search(part[: min(m.start() for m in hits)]))

    def uncertain(self, description: str | None) -> str | None:
        """The commodity a description would take on a modified head word alone (see ``classify``), else None."""
        if not description:
            return None
        for part in (p for p in self.split.split(description) if p.strip()):
            code = self.match_part(part)
            if code is not None and self._on_a_modified_head(part, code):
                return code
        return None

    def classify(self, description: str | None) -> str | None:
        """One commodity code for a description, or None when no rule matches any part, or when a part matched
        only on a modified head word (an uncertain match: left unmapped, so it is flagged, listed by
        ``lifeline commodities unmapped`` and counted at the fallback density, never silently)."""
        if not description or not description.strip():
            return None
        parts = [p for p in self.split.split(description) if p.strip()]
        codes = [self.match_part(p) for p in parts]
        if any(c is not None and self._on_a_modified_head(p, c) for p, c in zip(parts, codes, strict=True)):
            return None
        found = {c for c in codes if c}
        if not found:
            return None
        if len(found) == 1:
            return found.pop()
        if all(self.groups.get(c) == "food" for c in found):
            return "mixed-food"
        return "mixed"

    def column(self, expr: pl.Expr, frame: pl.DataFrame) -> pl.Series:
        """Commodity codes for a text column of ``frame``: each distinct spelling is classified once."""
        text = frame.select(expr.alias("d"))["d"]
        distinct = text.unique().drop_nulls().to_list()
        mapping = {d: self.classify(d) for d in distinct}
        return text.replace_strict(mapping, default=None, return_dtype=pl.String)
