"""Load assumption sets from the TOML files shipped in ``data/`` and from user files.

A set is a TOML document with ``[meta]``, named numeric ``[assumptions.NAME]`` (a point value, or
``low``/``high`` and an optional ``distribution`` for the uncertainty runs, always with a ``source``),
and any other tables of rules. User files merge over the shipped set: tables merge key by key,
arrays and scalars are replaced, so one file can change one value without restating the rest.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lifeline.errors import NotFound, UserError

DATA = Path(__file__).with_name("data")

# Distributions the Monte Carlo can draw (lifeline.model.montecarlo): ``low``/``high`` are the bounds
# (uniform, triangular with ``value`` as mode) or the 95 % interval (normal, lognormal).
DISTRIBUTIONS = ("uniform", "triangular", "normal", "lognormal", "fixed")


@dataclass(frozen=True)
class Assumption:
    """One named constant with its source; ``low``/``high`` bound it for the Monte Carlo."""

    name: str
    value: float
    unit: str
    source: str
    low: float | None = None
    high: float | None = None
    distribution: str = "uniform"
    note: str = ""

    @property
    def is_ranged(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high


@dataclass
class AssumptionSet:
    """A named set: numeric assumptions plus rule tables, and the files it was built from."""

    name: str
    title: str
    assumptions: dict[str, Assumption]
    tables: dict[str, Any]
    files: list[str] = field(default_factory=list)

    def value(self, name: str) -> float:
        try:
            return self.assumptions[name].value
        except KeyError:
            raise NotFound(f"assumption {name!r} is not defined in set {self.name!r}") from None

    def get(self, name: str) -> Assumption:
        try:
            return self.assumptions[name]
        except KeyError:
            raise NotFound(f"assumption {name!r} is not defined in set {self.name!r}") from None


def available() -> list[str]:
    """Names of the sets shipped with Lifeline."""
    return sorted(p.stem for p in DATA.glob("*.toml"))


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise NotFound("assumption file not found", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML ({exc})", file=str(path)) from None


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base``: tables merge, everything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _assumption(name: str, raw: Mapping[str, Any], file: str) -> Assumption:
    if not isinstance(raw, Mapping) or "value" not in raw or "source" not in raw:
        raise UserError(f"assumption {name!r} needs at least 'value' and 'source'", file=file)
    distribution = str(raw.get("distribution", "uniform"))
    if distribution not in DISTRIBUTIONS:
        raise UserError(
            f"assumption {name!r}: distribution {distribution!r} is not one of {', '.join(DISTRIBUTIONS)}", file=file
        )
    try:
        low = float(raw["low"]) if "low" in raw else None
        high = float(raw["high"]) if "high" in raw else None
        value = float(raw["value"])
    except (TypeError, ValueError):
        raise UserError(f"assumption {name!r}: value, low and high must be numbers", file=file) from None
    if distribution != "fixed" and low is not None and high is not None and not low <= value <= high:
        raise UserError(
            f"assumption {name!r}: value {value} is outside low {low} .. high {high} "
            "(set low and high too, or distribution = \"fixed\")",
            file=file,
        )
    try:
        return Assumption(
            name=name,
            value=float(raw["value"]),
            unit=str(raw.get("unit", "")),
            source=str(raw["source"]),
            low=float(raw["low"]) if "low" in raw else None,
            high=float(raw["high"]) if "high" in raw else None,
            distribution=distribution,
            note=str(raw.get("note", "")),
        )
    except (TypeError, ValueError):
        raise UserError(f"assumption {name!r}: value, low and high must be numbers", file=file) from None


def load_set(name: str = "normalisation", overrides: Iterable[str | Path] = ()) -> AssumptionSet:
    """The shipped set ``name`` (or a TOML path), with each override file merged over it in turn."""
    first = _path(name)
    doc = _read(first)
    files = [str(first)]
    for extra in overrides:
        doc = merge(doc, _read(Path(extra)))
        files.append(str(extra))
    return _compose(first, doc, files)


def _path(name: str) -> Path:
    first = Path(name) if name.endswith(".toml") else DATA / f"{name}.toml"
    if not first.exists():
        raise NotFound(f"no assumption set named {name!r}; shipped sets: {', '.join(available())}")
    return first


def load_sets(names: Sequence[str], overrides: Iterable[str | Path] = ()) -> dict[str, AssumptionSet]:
    """Several sets one command uses, with its override files routed among them: each assumption and each
    table of a file goes to every set that defines it, a table none defines to the first set (the command's
    own rules). An assumption none of them defines is refused: a misspelt name would otherwise change
    nothing, silently. So one file changes a value the same way for every command that uses it."""
    paths = [_path(n) for n in names]
    docs = {n: _read(p) for n, p in zip(names, paths, strict=True)}
    files = {n: [str(p)] for n, p in zip(names, paths, strict=True)}
    for extra in overrides:
        over = _read(Path(extra))
        routed: dict[str, dict[str, Any]] = {n: {} for n in names}
        for key, value in over.items():
            if key == "assumptions" and isinstance(value, Mapping):
                for aname, spec in value.items():
                    owners = [n for n in names if aname in docs[n].get("assumptions", {})]
                    if not owners:
                        raise UserError(
                            f"assumption {aname!r} is defined in none of the sets used here ({', '.join(names)})",
                            file=str(extra),
                        )
                    for n in owners:
                        routed[n].setdefault("assumptions", {})[aname] = spec
                continue
            owners = [n for n in names if key in docs[n] and key != "meta"] or [names[0]]
            for n in owners:
                routed[n][key] = value
        for n, part in routed.items():
            if part:
                docs[n] = merge(docs[n], part)
                files[n].append(str(extra))
    return {n: _compose(p, docs[n], files[n]) for n, p in zip(names, paths, strict=True)}


def _compose(first: Path, doc: dict[str, Any], files: list[str]) -> AssumptionSet:
    meta = doc.get("meta", {})
    assumptions = {k: _assumption(k, v, files[-1]) for k, v in doc.get("assumptions", {}).items()}
    tables = {k: v for k, v in doc.items() if k not in {"meta", "assumptions"}}
    return AssumptionSet(
        name=str(meta.get("name", first.stem)),
        title=str(meta.get("title", "")),
        assumptions=assumptions,
        tables=tables,
        files=files,
    )
