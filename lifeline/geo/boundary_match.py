"""Which place of a context each feature of a boundaries file outlines.

In order: a mapping the user gave (``--match CODE=PLACE``, or a CSV of code,place), the place's code or
one of its aliases (ignoring case), then the feature's names (:mod:`lifeline.place_names`) among the
context's admin areas no code claimed. A name that fits several places, or two features that fit one
place, refuses the file with one line asking for an explicit mapping: nothing is guessed. Matches made
by name or by mapping are returned so the caller can record each p-code as an alias of its place.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, select

from lifeline import place_names
from lifeline.errors import BadFile, UserError
from lifeline.geo import geojson_read
from lifeline.model import contexts
from lifeline.store import schema


@dataclass(frozen=True)
class Matched:
    pcode: str
    place: str
    how: str  # "code" | "alias" | "name" | "spelling" | "mapping"
    name: str = ""  # the feature's name that matched (by name), else ""


@dataclass
class Matching:
    matched: dict[str, Matched] = field(default_factory=dict)  # p-code -> its place
    unmatched: list[str] = field(default_factory=list)  # p-codes of no place of the context

    @property
    def new_aliases(self) -> list[Matched]:
        """The matches the place did not already know the p-code by (by name or by mapping)."""
        return [m for m in self.matched.values() if m.how in ("name", "spelling", "mapping")]


def read_mapping(pairs: Iterable[str] = (), csv_path: Path | None = None) -> dict[str, str]:
    """p-code -> place code from ``CODE=PLACE`` options and a CSV of ``code,place`` rows (a header row
    naming ``code`` is skipped); a malformed entry is one line naming it."""
    out: dict[str, str] = {}
    for pair in pairs:
        code, sep, place = pair.partition("=")
        if not sep or not code.strip() or not place.strip():
            raise UserError(f"--match {pair!r}: expected CODE=PLACE (the file's p-code = the place's code)")
        out[code.strip()] = place.strip()
    if csv_path is not None:
        if not csv_path.is_file():
            raise BadFile("expected a CSV of code,place rows, found no such file", file=str(csv_path))
        with csv_path.open(encoding="utf-8-sig", newline="") as f:
            for number, row in enumerate(csv.reader(f), start=1):
                cells = [c.strip() for c in row]
                if not any(cells) or (number == 1 and cells[0].lower() in ("code", "pcode", "p-code")):
                    continue
                if len(cells) < 2 or not cells[0] or not cells[1]:
                    raise BadFile(f"row {number}: expected two columns, the file's p-code and the place's code",
                                  file=str(csv_path), row=number)
                out[cells[0]] = cells[1]
    return out


def lookup(conn: Connection, ctx: contexts.Context) -> dict[str, str]:
    """Each admin area of the context by its code and by each alias (upper case), a code winning."""
    t = schema.locations
    rows = conn.execute(select(t.c.code, t.c.aliases).where(t.c.code.in_(list(ctx.members)))).all()
    out: dict[str, str] = {}
    for code, aliases in rows:
        for alias in aliases or []:
            out.setdefault(str(alias).strip().upper(), code)
    for code in ctx.members:
        out[code.upper()] = code
    return out


def candidates(conn: Connection, ctx: contexts.Context, exclude: set[str]) -> list[place_names.Candidate]:
    """The context's admin areas (not entry points) with every name they are known by, and their parent's."""
    t = schema.locations
    rows = conn.execute(select(t.c.code, t.c.name_en, t.c.name_ar, t.c.aliases)
                        .where(t.c.code.in_(list(ctx.members)))).all()
    names = {code: tuple(n for n in (en, ar, *(aliases or [])) if n) for code, en, ar, aliases in rows}
    return [place_names.Candidate(code, names.get(code, ()), names.get(ctx.places[code].parent or "", ()))
            for code in ctx.areas if code not in exclude]


def contexts_by_name(conn: Connection, found: list[contexts.Context], survey: geojson_read.Survey) -> list[
        contexts.Context]:
    """The contexts one of whose admin areas a feature's names fit (to find the context of a file whose
    p-codes none knows)."""
    hits = []
    for ctx in found:
        matcher = place_names.Matcher(candidates(conn, ctx, set()))
        if any(matcher.match(n, p).place for n, p in zip(survey.names, survey.parent_names, strict=True)):
            hits.append(ctx)
    return hits


def name_label(code_property: str) -> str:
    """The property names are read from, for a message: ADM2_EN/AR beside ADM2_PCODE."""
    m = geojson_read.PCODE_PROPERTY.match(code_property)
    return f"{code_property[:-5]}{'EN/AR' if code_property.isupper() else 'en/ar'}" if m else "name"


def match(conn: Connection, ctx: contexts.Context, path: Path, survey: geojson_read.Survey,
          mapping: dict[str, str]) -> Matching:
    """Each feature's place, or the file refused (a mapping to no admin area of the context, a p-code
    mapped that the file lacks, an ambiguous name)."""
    prop = survey.code_property
    known = lookup(conn, ctx)
    in_file = set(survey.codes)
    for pcode, place in mapping.items():
        if pcode not in in_file:
            raise UserError(f"--match {pcode}={place}: no feature of the file has the p-code {pcode!r}",
                            file=str(path))
        if place not in ctx.places or ctx.places[place].route is not None:
            areas = ", ".join(c for c in ctx.areas[:8])
            raise UserError(f"--match {pcode}={place}: {place!r} is not an admin area of context {ctx.code} "
                            f"(its areas: {areas}{'...' if len(ctx.areas) > 8 else ''})", file=str(path))
    out = Matching()
    for pcode in survey.codes:
        if pcode in mapping:
            out.matched[pcode] = Matched(pcode, mapping[pcode], "mapping")
        elif (code := known.get(pcode.upper())) is not None:
            out.matched[pcode] = Matched(pcode, code, "code" if code.upper() == pcode.upper() else "alias")
    claimed = {m.place for m in out.matched.values()}
    matcher = place_names.Matcher(candidates(conn, ctx, claimed))
    by_place: dict[str, list[int]] = {}
    ambiguous: list[tuple[int, place_names.NameMatch]] = []
    for index, pcode in enumerate(survey.codes):
        if pcode in out.matched:
            continue
        found = matcher.match(survey.names[index], survey.parent_names[index])
        if found.place is not None:
            out.matched[pcode] = Matched(pcode, found.place, found.tier, found.name)
            by_place.setdefault(found.place, []).append(index)
        elif found.tier == "ambiguous":
            ambiguous.append((index, found))
        else:
            out.unmatched.append(pcode)
    label = name_label(prop)
    if ambiguous:
        index, first = ambiguous[0]
        more = f" (and {len(ambiguous) - 1} more ambiguous)" if len(ambiguous) > 1 else ""
        raise geojson_read.fault(path, index, label, f"one place of {ctx.code} for the name {first.name!r}, "
                                 f"found {len(first.candidates)}: {', '.join(first.candidates)}; map it with "
                                 f"--match {survey.codes[index]}=PLACE{more}")
    for place, indexes in by_place.items():
        if len(indexes) > 1:
            codes = [survey.codes[i] for i in indexes]
            raise geojson_read.fault(path, indexes[1], label, f"one feature per place, the names of "
                                     f"{' and '.join(codes)} both fit {place!r}; map them with --match CODE=PLACE")
    return out
