"""P-codes a file writes that are no place of the store, and the known code each most likely meant.

Spreadsheets mangle p-codes in a few known ways: a code typed as a number loses its country prefix
("1518" for "YE1518") or its leading zero ("512" for "YE0512"), and a zero is added or lost inside it
("YE15019" for "YE1519"). A row at such a code is rejected naming the code and the likely one, so a
population or status is never stored at a place that does not exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection

import polars as pl

ARTEFACT = "a common spreadsheet artefact"


def _digits(code: str) -> str:
    return re.sub(r"^[A-Za-z]+", "", code)


def _without_a_zero(code: str) -> set[str]:
    """``code`` with any one of its zeros taken out."""
    return {code[:i] + code[i + 1:] for i, c in enumerate(code) if c == "0"}


def nearest(given: str, known: Collection[str]) -> tuple[str, str] | None:
    """(known code, why) for a code that is no place, or None when nothing is near."""
    text = given.strip().upper()
    for code in sorted(known):
        digits = _digits(code.upper())
        if digits and text in (digits, digits.lstrip("0")) and text != code.upper():
            lost = "country prefix" if text == digits else "country prefix and leading zero"
            return code, f"its {lost} lost, {ARTEFACT}"
    for code in sorted(known):
        upper = code.upper()
        if text in _without_a_zero(upper):
            return code, f"a zero lost, {ARTEFACT}"
        if upper in _without_a_zero(text):
            return code, f"a zero added, {ARTEFACT}"
    close = difflib.get_close_matches(text, [k.upper() for k in known], n=1, cutoff=0.75)
    if close:
        code = next(k for k in known if k.upper() == close[0])
        return code, "the nearest known code"
    return None


def unknown_reasons(locations: pl.Series, known: Collection[str]) -> dict[str, str]:
    """For each distinct location not in ``known``, the rejection reason naming the code most likely meant."""
    upper = {k.upper() for k in known}
    out: dict[str, str] = {}
    for given in locations.drop_nulls().unique().to_list():
        if str(given).strip().upper() in upper:
            continue
        hit = nearest(str(given), known)
        hint = f"; did you mean {hit[0]}? ({hit[1]})" if hit else ""
        out[given] = f"expected the p-code of a known place, found {given}: no place has this code{hint}"
    return out
