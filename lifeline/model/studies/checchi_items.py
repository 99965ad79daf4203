"""Study A's valuation of the UNRWA line list, item by item, as its code does it (02_clean_trucking_data.R).

A row's description is split on "+" into items that share the row's weight. Each item takes the
kcal/kg of the workbook's ``kcal_equi`` item of that name, and counts as food when that item has a
food category. Mixed items follow the study's rules: food parcels take the kcal/kg of the sender's
parcels (``parcels`` sheet, trucked), else the mean of all trucked parcels; "canned food" takes the
quantity-weighted mean of the specific canned items; other mixed food takes the quantity-weighted
mean of the sender's (else everyone's) valued items. Specialised nutrition is dropped (the study adds
it from the Nutrition Cluster instead).

Study A harmonises spelling variants with its own rewriting rules; Lifeline does not copy them: an
item whose name is not in ``kcal_equi`` is named by Lifeline's commodity catalogue, and valued at the
mean of the ``kcal_equi`` items of that commodity (parcels and mixed food by the rules above).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import polars as pl

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.ingest.normalise import CommodityCatalogue
from lifeline.model.studies.workbook import Workbook

NUTRITION = "nutrition-supplement"
PARCEL_CODE = "food-parcel"
MIXED_CODES = ("mixed-food", "ready-to-eat")


@dataclass(frozen=True)
class Rules:
    """The lists Study A's code uses to treat mixed items (``[items]`` of ``checchi-2024.toml``)."""

    parcel_items: frozenset[str]
    agencies: tuple[str, ...]
    food_items_added_to: frozenset[str]
    added_item: str

    @classmethod
    def from_set(cls, aset: AssumptionSet) -> Rules:
        t = aset.tables["items"]
        return cls(
            frozenset(t["parcel_items"]),
            tuple(t["parcel_agencies"]),
            frozenset(t["food_items_added_to"]),
            str(t["added_item"]),
        )


def split_items(description: str, rules: Rules) -> list[str]:
    """The items of one description: lower-cased, split on '+', trimmed, empty parts dropped."""
    text = description.strip().lower()
    items = [p.strip() for p in text.split("+") if p.strip()]
    if text in rules.food_items_added_to:
        items.append(rules.added_item)
    return items


@dataclass
class ItemValue:
    """An item's kcal/kg, whether it counts as food, and how it is valued."""

    kcal_kg: float | None  # None: mixed, valued later by rule
    food: bool
    kind: str  # "item", "parcel", "canned", "mixed", "none"


def _resolver(wb: Workbook, rules: Rules) -> dict[str, ItemValue]:
    """The value of each ``kcal_equi`` item by name (mixed items valued later, by rule)."""
    table: dict[str, ItemValue] = {}
    for r in wb.rows("kcal_equi", "item", "food_cat", "kcal_kg"):
        if r["item"] is None:
            continue
        name = str(r["item"]).strip().lower()
        food = r["food_cat"] is not None
        kind = "item"
        if name in rules.parcel_items:
            kind = "parcel"
        elif name == "canned food":
            kind = "canned"
        elif r["food_cat"] == "mixed":
            kind = "mixed"
        kcal = float(r["kcal_kg"]) if r["kcal_kg"] is not None else None
        table[name] = ItemValue(kcal, food, kind)
    for name in rules.parcel_items:
        table.setdefault(name, ItemValue(None, True, "parcel"))
    return table


class Valuer:
    """Names and values the items of the line list the way Study A does (see the module docstring)."""

    def __init__(self, wb: Workbook, catalogue: AssumptionSet, rules: Rules, code_density: dict[str, float]):
        self.rules = rules
        self.table = _resolver(wb, rules)
        self.classify = CommodityCatalogue(load_set("normalisation"))
        self.code_density = code_density
        self.food_codes = set(catalogue.assumptions)
        self.cache: dict[str, ItemValue | None] = {}
        self.names: dict[str, str] = {}
        parcels: dict[tuple[str, object, str], list[float]] = {}
        for r in wb.rows("parcels", "agency", "version", "type", "kg", "kcal_kg"):
            if r["kg"] is None or r["kcal_kg"] is None:
                continue
            k = parcels.setdefault((str(r["agency"]), r["version"], str(r["type"])), [0.0, 0.0])
            k[0] += float(r["kg"]) * float(r["kcal_kg"])
            k[1] += float(r["kg"])
        trucked = {(a, v): kc / kg for (a, v, t), (kc, kg) in parcels.items() if t == "trucked" and kg > 0}
        self.parcel_all = float(np.mean(list(trucked.values()))) if trucked else float("nan")
        self.parcel_by_agency: dict[str, float] = {}
        for pattern in rules.agencies:
            names = set(pattern.split("|"))
            vals = [d for (a, _), d in trucked.items() if a in names]
            if vals:
                self.parcel_by_agency[pattern] = float(np.mean(vals))

    def name(self, item: str) -> str:
        """The ``kcal_equi`` name an item stands for, when it is one up to spelling; else the item itself.

        Tried in turn: the name as written; without a bracketed note ("fruits (oranges)"); singular
        or plural ("lentil", "food parcelss"); the longest ``kcal_equi`` name it contains as whole
        words ("mixed food items" -> "food items").
        """
        if item in self.names:
            return self.names[item]
        found = self._name(item)
        self.names[item] = found
        return found

    def _name(self, item: str) -> str:
        base = re.sub(r"[(\[].*$|[)\]]", "", item).strip()
        for cand in (base, *_number_variants(base)):
            if cand in self.table:
                return cand
        words = f" {base} "
        inside = [n for n in self.table if f" {n} " in words]
        return max(inside, key=len) if inside else item

    def value(self, item: str) -> tuple[str, ItemValue | None]:
        """The item's name and value; None for specialised nutrition, which the study removes from the list."""
        name = self.name(item)
        if name in self.cache:
            return name, self.cache[name]
        found = self.table.get(name)
        if found is None:
            code = self.classify.classify(item)
            if code == NUTRITION:
                found = None
            elif code == PARCEL_CODE:
                found = ItemValue(None, True, "parcel")
            elif code in MIXED_CODES:
                found = ItemValue(None, True, "mixed")
            elif code in self.code_density and code in self.food_codes:
                found = ItemValue(self.code_density[code], True, "item")
            else:
                found = ItemValue(None, False, "none")
        self.cache[name] = found
        return name, found

    def agency_of(self, sender: str | None) -> str | None:
        """The last of the study's agency patterns the sender matches (the code's loop overwrites), else None."""
        hit = None
        for pattern in self.rules.agencies:
            if sender and re.search(pattern, sender):
                hit = pattern
        return hit


def _number_variants(word: str) -> list[str]:
    """Singular and plural spellings of a name (and a doubled final s, a common typo)."""
    out = [word + "s", word + "es"]
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s"):
        out.append(word[:-1])
    if word.endswith("y"):
        out.append(word[:-1] + "ies")
    return out


def item_frame(frame: pl.DataFrame, valuer: Valuer) -> pl.DataFrame:
    """One row per item: ``row`` (index into ``frame``), ``kcal_kg`` (0 for non-food), ``n`` items in the row."""
    rows: list[int] = []
    kcal: list[float | None] = []
    kinds: list[str] = []
    food: list[bool] = []
    agency: list[str | None] = []
    qty: list[float] = []
    names: list[str] = []
    descs = frame["description"].to_list()
    senders = frame["donor"].to_list()
    quantities = frame["q"].to_list()
    for i, text in enumerate(descs):
        ag = valuer.agency_of(senders[i])
        for item in split_items(text, valuer.rules):
            name, v = valuer.value(item)
            if v is None:
                continue
            rows.append(i)
            kcal.append(v.kcal_kg)
            kinds.append(v.kind)
            food.append(v.food)
            agency.append(ag)
            qty.append(float(quantities[i]))
            names.append(name)
    items = pl.DataFrame(
        {"row": rows, "item": names, "kcal_kg": kcal, "kind": kinds, "food": food, "agency": agency, "q": qty},
        schema={
            "row": pl.Int64,
            "item": pl.String,
            "kcal_kg": pl.Float64,
            "kind": pl.String,
            "food": pl.Boolean,
            "agency": pl.String,
            "q": pl.Float64,
        },
    )
    return _apply_mixed_rules(items, valuer).with_columns(pl.len().over("row").alias("n"))


def _weighted(items: pl.DataFrame) -> float:
    """Quantity-weighted mean kcal/kg of items that have one (the study weights by the rows' quantity)."""
    v = items.filter(pl.col("kcal_kg").is_not_null())
    w = float(v["q"].sum())
    return float((v["kcal_kg"] * v["q"]).sum()) / w if w else float("nan")


def _apply_mixed_rules(items: pl.DataFrame, valuer: Valuer) -> pl.DataFrame:
    parcel = pl.col("kind") == "parcel"
    by_agency = pl.col("agency").replace_strict(
        valuer.parcel_by_agency, default=valuer.parcel_all, return_dtype=pl.Float64
    )
    items = items.with_columns(pl.when(parcel).then(by_agency).otherwise(pl.col("kcal_kg")).alias("kcal_kg"))
    canned = items.filter(pl.col("item").str.contains("canned") & (pl.col("kind") != "canned"))
    items = items.with_columns(
        pl.when(pl.col("kind") == "canned")
        .then(pl.lit(_weighted(canned)))
        .otherwise(pl.col("kcal_kg"))
        .alias("kcal_kg")
    )
    valued = items.filter(pl.col("kind") != "none")
    overall = _weighted(valued)
    per_agency = {a: _weighted(valued.filter(pl.col("agency") == a)) for a in valuer.rules.agencies}
    mixed_value = pl.col("agency").replace_strict(per_agency, default=overall, return_dtype=pl.Float64)
    items = items.with_columns(
        pl.when(pl.col("kind") == "mixed").then(mixed_value).otherwise(pl.col("kcal_kg")).alias("kcal_kg")
    )
    return items.with_columns(
        pl.when(pl.col("food")).then(pl.col("kcal_kg").fill_null(0.0).fill_nan(0.0)).otherwise(0.0).alias("kcal_kg")
    )
