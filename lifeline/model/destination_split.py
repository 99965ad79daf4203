"""Where deliveries without a destination went: a named, dated, ranged split between two areas.

UNRWA's and COGAT's lists give the crossing a truck entered by, rarely where its food went. In Gaza the
question is the north (North Gaza and Gaza governorates, north of Wadi Gaza) against the south, and after
October 2023 the north received a small share of what entered in the south. An assumption set's
``[split]`` table states that share by period, with a range for the Monte Carlo and a source for each
period; coverage then balances the two areas separately. Rows with a recorded destination (an area inside
one of the two, or an entry point that reaches only one, such as Erez) go where they went; only the rest
is split. A split applies to the one context it names, so another context never inherits Gaza's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from lifeline.assumptions import Assumption, AssumptionSet
from lifeline.errors import UserError
from lifeline.model import montecarlo, population

Array = NDArray[np.float64]
UNPLACED = "__split__"  # the area code undestined rows carry while they are being split


@dataclass(frozen=True)
class Period:
    """The share from ``start`` until the next period starts (the last one holds on)."""

    start: np.datetime64
    share: Assumption


@dataclass(frozen=True)
class Split:
    """The share of undestined deliveries reaching ``to``; the rest reaches ``rest``."""

    name: str
    context: str
    to: str
    rest: str
    members: dict[str, str]  # admin area -> the split area it lies in (both split areas map to themselves)
    entry_points: dict[str, str]  # entry point -> the one split area its deliveries reach
    periods: list[Period]
    population: list[population.Series]
    source: str

    @property
    def areas(self) -> list[str]:
        return [self.to, self.rest]

    def shares(self, days: NDArray[np.datetime64], runs: int, gen: np.random.Generator) -> Array:
        """The share reaching ``to`` per run and day (runs, days): one draw per run and period, each period's
        own range (the uncertainty of one period's count says nothing of another's)."""
        draws = np.stack([montecarlo.draw(p.share, runs, gen) for p in self.periods], axis=1)  # (runs, P)
        starts = np.array([p.start for p in self.periods], dtype="datetime64[D]")
        index = np.clip(np.searchsorted(starts, days.astype("datetime64[D]"), side="right") - 1, 0, None)
        return np.clip(draws[:, index], 0.0, 1.0)

    def notes(self, first: np.datetime64, last: np.datetime64) -> list[str]:
        """The share of each period overlapping ``first``..``last``, its range and source."""
        out = []
        for i, p in enumerate(self.periods):
            end = self.periods[i + 1].start - 1 if i + 1 < len(self.periods) else None
            if (end is not None and end < first) or p.start > last:
                continue
            a = p.share
            span = f"{p.start}" + (f" to {end}" if end is not None else " on")
            rng = f" ({100 * (a.low or 0.0):.1f}-{100 * (a.high or 0.0):.1f} %)" if a.is_ranged else ""
            out.append(f"{self.name}: {100 * a.value:.1f} %{rng} from {span}, source: {a.source}")
        return out


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    if key not in raw or not str(raw[key]).strip():
        raise UserError(f"{where} needs {key!r}")
    return str(raw[key])


def from_set(aset: AssumptionSet) -> Split | None:
    """The set's ``[split]`` table, checked; None when the set has none."""
    raw = aset.tables.get("split")
    if not raw:
        return None
    file = aset.files[-1] if aset.files else None
    where = "[split]"
    try:
        name, ctx = _text(raw, "name", where), _text(raw, "context", where)
        to, rest, source = _text(raw, "to", where), _text(raw, "rest", where), _text(raw, "source", where)
        members = {a: a for a in (to, rest)}
        for area, inside in dict(raw.get("areas", {})).items():
            if area not in (to, rest):
                raise UserError(f"[split.areas] names {area!r}; expected {to!r} or {rest!r}", file=file)
            members.update({str(c): area for c in inside})
        entry_points = {str(k): str(v) for k, v in dict(raw.get("entry_points", {})).items()}
        for code, area in entry_points.items():
            if area not in (to, rest):
                raise UserError(f"[split.entry_points] {code} = {area!r}; expected {to!r} or {rest!r}", file=file)
        periods = []
        for i, p in enumerate(raw.get("periods", []) or []):
            label = f"[[split.periods]] {i + 1}"
            share = Assumption(
                name=f"{name} from {p['date_from']}", value=float(p["value"]), unit="share",
                source=_text(p, "source", label), low=float(p.get("low", p["value"])),
                high=float(p.get("high", p["value"])), distribution=str(p.get("distribution", "triangular")),
            )
            if not (0.0 <= (share.low or 0.0) <= share.value <= (share.high or 0.0) <= 1.0):
                raise UserError(f"{label}: expected 0 <= low <= value <= high <= 1", file=file)
            periods.append(Period(np.datetime64(str(p["date_from"])[:10], "D"), share))
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"[split] is incomplete or malformed ({exc}): see docs/coverage.md", file=file) from None
    if not periods:
        raise UserError("[split] needs at least one [[split.periods]] (date_from, value, low, high, source)", file=file)
    periods.sort(key=lambda p: p.start)
    found = {s.area: s for s in population.from_tables(dict(raw.get("population", {})), file or "[split]")}
    if set(found) != {to, rest}:
        raise UserError(f"[split.population] needs a series for {to!r} and for {rest!r}", file=file)
    pops = [found[to], found[rest]]
    return Split(name, ctx, to, rest, members, entry_points, periods, pops, source)


def for_context(aset: AssumptionSet, context: str | None, members: frozenset[str]) -> Split | None:
    """The set's split when it is about ``context`` and its areas are the context's places, else None."""
    split = from_set(aset)
    if split is None or context is None or split.context != context:
        return None
    missing = [a for a in split.areas if a not in members]
    if missing:
        raise UserError(f"[split] areas {', '.join(missing)} are not places of context {context!r} "
                        "(import them in the locations file, or remove the [split] table)")
    return split


def place(frame: pl.DataFrame, split: Split) -> pl.DataFrame:
    """Each row's split area: its recorded destination where it lies in one, else the one area its entry
    point reaches, else :data:`UNPLACED` (no destination: split by the share). Rows naming an area outside
    both keep it (they are reported as outside any population series)."""
    members = list(split.members)
    known = pl.col("area").replace_strict(split.members, default=None, return_dtype=pl.String)
    by_entry = pl.col("crossing").replace_strict(split.entry_points, default=None, return_dtype=pl.String)
    unplaced = pl.col("area").is_null() | (pl.col("area") == split.context)
    return frame.with_columns(
        pl.when(pl.col("area").is_in(members)).then(known)
        .when(unplaced & by_entry.is_not_null()).then(by_entry)
        .when(unplaced).then(pl.lit(UNPLACED))
        .otherwise(pl.col("area"))
        .alias("area")
    )


def inflow(split: Split, kcal_unplaced: Array, shares: Array, areas: list[str]) -> Array:
    """kcal of the unplaced rows per (run, day, area of ``areas``): ``share`` to ``split.to``, the rest to
    ``split.rest`` (``areas`` may be one of them: a question about one area).

    ``kcal_unplaced`` is (runs, days); ``shares`` is (runs, days)."""
    parts = {split.to: kcal_unplaced * shares, split.rest: kcal_unplaced * (1.0 - shares)}
    return np.stack([parts[a] for a in areas], axis=2)
