"""Place names in a statement -> location codes, from the store's ``locations`` table and the
crossing aliases of ``normalisation.toml``, in English and Arabic.

One compiled alternation (longest name first) finds every mention in a single pass. A name that is
both a crossing and an area ("Rafah") stays ambiguous until the claim's indicator decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from lifeline.assumptions import load_set
from lifeline.store import schema

_PARTS = re.compile(r"\s*[()/]\s*")  # "A (B)", "A / B"


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    type: str


@dataclass(frozen=True)
class Mention:
    """A place name in a sentence, and every location it can stand for."""

    start: int
    end: int
    text: str
    places: tuple[Place, ...]
    crossing_word: bool  # "the Rafah crossing", "معبر رفح"

    def pick(self, prefer_crossing: bool) -> Place:
        crossings = [p for p in self.places if p.type == "crossing"]
        others = [p for p in self.places if p.type != "crossing"]
        if crossings and (prefer_crossing or self.crossing_word or not others):
            return crossings[0]
        return others[0] if others else self.places[0]


@dataclass
class Gazetteer:
    names: dict[str, list[Place]] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, place: Place) -> None:
        """A name, and each part of a compound one: "إيرز الغربي (زيكيم)" and "Western Erez / Zikim" are
        written in a statement as "إيرز الغربي", "زيكيم", "Western Erez" or "Zikim"."""
        parts = [p for p in _PARTS.split(name) if p.strip()]
        for part in parts if len(parts) > 1 else []:
            self._add(part, place)
        self._add(name, place)

    def _add(self, name: str, place: Place) -> None:
        key = " ".join(name.lower().split())
        if len(key) < 2:
            return
        bucket = self.names.setdefault(key, [])
        if all(p.code != place.code for p in bucket):
            bucket.append(place)
        self.labels.setdefault(place.code, place.name)

    def compile(self) -> Gazetteer:
        alts = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(self.names, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:the\s+)?(?P<name>{alts})(?!\w)", re.IGNORECASE) if alts else None
        return self

    def find(self, sentence: str) -> list[Mention]:
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(sentence):
            key = " ".join(m.group("name").lower().split())
            places = tuple(self.names.get(key, ()))
            if not places:
                continue
            around = sentence[max(0, m.start() - 8) : m.end() + 24].lower()
            crossing_word = bool(re.search(r"crossing|border|gate|terminal|معبر", around))
            out.append(Mention(m.start(), m.end(), m.group(0), places, crossing_word))
        return out

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


# The kind word of an entry point's name, at its end in English and its start in Arabic.
_KIND_WORD = re.compile(
    r"\s+(?:crossing|border crossing|gate|checkpoint|terminal|port|pier)$|^(?:معبر|حاجز|بوابة|ميناء)\s+", re.IGNORECASE
)


def _kind(type_: str, route: str | None, parent: str | None) -> str:
    """A place's kind for claims: every entry point (a location with a route: crossing, checkpoint, sea or air
    route) is a crossing; a root of the location tree (a context: a territory, a besieged town) a territory."""
    low = type_.lower()
    if route or any(w in low for w in ("crossing", "route", "entry", "pier")):
        return "crossing"
    return "territory" if parent is None else low


def build(
    conn: Connection | None, default_code: str, default_names: list[str], extra: dict[str, list[str]] | None = None
) -> Gazetteer:
    """Names from the store's locations (en, ar, aliases), the crossing aliases of the normalisation rules and
    ``extra`` (claims.toml [areas.aliases]: names statements use that no line list does, "maritime corridor")."""
    gaz = Gazetteer()
    territory: str | None = None
    if conn is not None:
        loc = schema.locations
        rows = conn.execute(
            select(loc.c.code, loc.c.type, loc.c.name_en, loc.c.name_ar, loc.c.aliases, loc.c.route, loc.c.parent_code)
        ).all()
        for code, type_, name_en, name_ar, aliases, route, parent in rows:
            kind = _kind(str(type_), route, parent)
            place = Place(code, name_en, kind)
            if territory is None and name_en and name_en.strip().lower() == "gaza strip":
                territory = code
            for n in [name_en, name_ar, *(aliases if isinstance(aliases, list) else [])]:
                if n:
                    gaz.add(str(n), place)
                    bare = _KIND_WORD.sub("", str(n)).strip() if kind == "crossing" else ""
                    if bare and bare != n:  # "Bab al-Sahel gate" is written "Bab al-Sahel", "معبر تل نصر" "تل نصر"
                        gaz.add(bare, place)
    crossings = load_set("normalisation").tables.get("crossings", {})
    for code, spec in crossings.items():
        place = Place(code, str(spec.get("name_en", code)), "crossing")
        for n in [spec.get("name_en"), spec.get("name_ar"), *spec.get("aliases", [])]:
            if n and n.lower() not in {"air", "ks", "the pier"}:
                gaz.add(str(n), place)
    for code, names in (extra or {}).items():
        known = [p for key in list(gaz.names) for p in gaz.names[key] if p.code == code]
        for n in names if known else []:
            gaz.add(str(n), known[0])
    whole = Place(territory or default_code, "Gaza Strip", "territory")
    for n in default_names:
        key = " ".join(n.lower().split())
        gaz.names[key] = [whole]  # "Gaza" alone is the Strip, not the governorate
    gaz.labels[whole.code] = whole.name
    return gaz.compile()
