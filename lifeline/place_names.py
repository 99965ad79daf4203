"""Place names compared as keys: a boundaries file's areas matched to a context's places when their codes
differ, and a crossing named without its kind word (ingest). No lifeline imports: any layer may use it.

A COD-AB file keys its areas by OCHA p-codes, a context may code the same areas otherwise (Gaza's
governorates by ISO 3166-2). Names then decide, compared as keys that ignore what spellings of one
Arabic name vary in: case, accents, the article (``al-`` / ``el-`` / ``ال``), hyphens and apostrophes,
words naming the kind of area ("governorate"), and, as a second, looser tier, the vowels of a
transliteration (Khan Yunis / Khan Younis, Deir al-Balah / Dayr al Balah). A name that fits several
places, or a place that several features fit, is ambiguous: the caller refuses it unless the user maps
the code explicitly. Nothing here guesses between candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Articles written as their own word once hyphens are spaces: Arabic's al- and its transliterations
# (assimilated before sun letters: ad-, ar-, as-, ash-, at-, az-, an-), and el-, ul-.
ARTICLES = frozenset({"al", "el", "il", "ul", "ad", "ed", "ar", "er", "as", "es", "ash", "esh", "at", "et", "az",
                      "ez", "an", "en"})
# Words naming the kind of area, which one source writes and another leaves out.
KIND_WORDS = frozenset({"governorate", "district", "province", "region", "county", "muhafazat", "muhafazah",
                        "mohafazat", "wilayat", "locality", "محافظة", "محافظه", "مديرية", "مديريه", "ولاية", "ولايه",
                        "محلية", "محليه"})
# Words naming the kind of entry point, which a list writes ("Jawlat al-Qasr crossing") or leaves out.
ENTRY_WORDS = frozenset({"crossing", "checkpoint", "road", "gate", "border", "point", "terminal", "معبر", "حاجز",
                         "طريق", "بوابة", "بوابه", "منفذ"})
ARABIC_FOLD = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None, "ؤ": "و", "ئ": "ي"})
APOSTROPHES = re.compile(r"['’‘`ʿʾ]")
SEPARATORS = re.compile(r"[\s\-_.,;:/()\[\]+&]+")
VOWELS = re.compile(r"[aeiou]")
INNER_GLIDES = re.compile(r"(?<=[a-z])[yw]")
DOUBLED = re.compile(r"(.)\1+")


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(ARABIC_FOLD)
    text = APOSTROPHES.sub("", text)
    words = []
    for word in SEPARATORS.split(text):
        if not word or word in ARTICLES or word in KIND_WORDS:
            continue
        if word.startswith("ال") and len(word) > 3:  # the Arabic article, written joined to its word
            word = word[2:]
        words.append(word)
    return words


def strict_key(name: str) -> str:
    """The name without case, accents, articles, separators and kind-of-area words."""
    return " ".join(_words(name))


def entry_point_key(name: str) -> str:
    """The strict key without the words naming a kind of entry point: "Jawlat al-Qasr crossing" and
    "Jawlat al-Qasr" (or "معبر جولة القصر" and "جولة القصر") meet."""
    return " ".join(w for w in _words(name) if w not in ENTRY_WORDS)


def loose_key(name: str) -> str:
    """The strict key's consonants (Latin letters; other scripts as they are), so transliterations that
    differ only in vowels meet: khan yunis, khan younis, khan younes -> khnyns."""
    out = []
    for word in _words(name):
        if word.isascii():
            head, tail = word[:1], INNER_GLIDES.sub("", word[1:])
            word = DOUBLED.sub(r"\1", head + VOWELS.sub("", tail))
        out.append(word)
    return "".join(out)


@dataclass(frozen=True)
class Candidate:
    """A place a feature's name may be: its code, its names (English, Arabic, aliases) and its parent's."""

    code: str
    names: tuple[str, ...]
    parent_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameMatch:
    """The outcome for one feature: the place (None when nothing or several fit), how, and the candidates."""

    place: str | None
    tier: str  # "name" | "spelling" (loose key) | "none" | "ambiguous"
    name: str  # the feature name that matched, or the first one tried
    candidates: tuple[str, ...] = ()


def _index(candidates: Iterable[Candidate], key: str) -> dict[str, set[str]]:
    fn = strict_key if key == "strict" else loose_key
    out: dict[str, set[str]] = {}
    for c in candidates:
        for n in c.names:
            if k := fn(n):
                out.setdefault(k, set()).add(c.code)
    return out


class Matcher:
    """The places of one context, indexed by the keys of their names."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = {c.code: c for c in candidates}
        self.strict = _index(self.candidates.values(), "strict")
        self.loose = _index(self.candidates.values(), "loose")

    def match(self, names: Iterable[str], parent_names: Iterable[str] = ()) -> NameMatch:
        """The one place the names fit, trying the strict keys first and the loose keys after; several
        places are narrowed by the parent's name where the file gives it, and otherwise ambiguous."""
        names = [n for n in names if n and n.strip()]
        parents = {strict_key(p) for p in parent_names if p and p.strip()}
        for tier, index, fn in (("name", self.strict, strict_key), ("spelling", self.loose, loose_key)):
            found: set[str] = set()
            first = ""
            for name in names:
                hits = index.get(fn(name), set())
                if len(hits) > 1 and parents:
                    hits = {c for c in hits
                            if parents & {strict_key(p) for p in self.candidates[c].parent_names}} or hits
                if hits and not first:
                    first = name
                found |= hits
            if len(found) == 1:
                return NameMatch(next(iter(found)), tier, first)
            if found:  # several places, or the English and the Arabic name pointing at different ones
                return NameMatch(None, "ambiguous", first, tuple(sorted(found)))
        return NameMatch(None, "none", names[0] if names else "")
