"""The crossing status words Lifeline reads (open / closed / restricted), in English and Arabic.

The vocabulary is data (``normalisation.toml [crossing_status_words]``); a word is matched without
regard to case, spacing, Arabic diacritics or tatweel and alef forms, so مقيّد reads as مقيد and
"Partially  Open" as "partially open". A word outside it reads as nothing and the importer rejects
its row: a closure written in a word Lifeline does not know is never stored as if no status were given.
"""

from __future__ import annotations

import re

import polars as pl

from lifeline.assumptions import AssumptionSet

_MARKS = "[\u064b-\u0652\u0670\u0640]"  # tashkeel, superscript alef, tatweel
_ALEF = "[\u0622\u0623\u0625]"  # alef with madda / hamza above / below


def _key_text(word: str) -> str:
    text = re.sub(_MARKS, "", word.strip().lower())
    return " ".join(re.sub(_ALEF, "\u0627", text).split()).strip(" .")


def _key(expr: pl.Expr) -> pl.Expr:
    text = expr.str.strip_chars().str.to_lowercase().str.replace_all(_MARKS, "").str.replace_all(_ALEF, "\u0627")
    return text.str.replace_all(r"\s+", " ").str.strip_chars(" .")


def vocabulary(rules: AssumptionSet) -> dict[str, str]:
    """Each accepted spelling (as keyed) -> open, closed or restricted."""
    table = rules.tables.get("crossing_status_words", {})
    return {_key_text(w): status for status, words in table.items() if isinstance(words, list) for w in words}


def read(expr: pl.Expr, rules: AssumptionSet) -> pl.Expr:
    """The status a written word means; null for a word outside the vocabulary."""
    return _key(expr).replace_strict(vocabulary(rules), default=None, return_dtype=pl.String)


def accepted(rules: AssumptionSet) -> str:
    """The accepted words, grouped by status, for a rejection message."""
    table = rules.tables.get("crossing_status_words", {})
    return "; ".join(f"{status}: {', '.join(words)}" for status, words in table.items() if isinstance(words, list))
