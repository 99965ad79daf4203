"""How many decimals a figure is worth when people read it (CSV, XLSX, the terminal).

Tonnages are mostly computed from nominal truck loads or unit weights, so "877.838 t" claims a
precision no source has: tonnes are shown to the tonne, and kcal (from those weights times a
catalogue's kcal per kg) to the kcal, unless the column says it was measured finer (``Column.decimals``).
JSON and HXL carry the unrounded value for machines that compute on.
"""

from __future__ import annotations

from typing import Any

from lifeline.formats.table import Column

# HXL attribute of a column -> decimals shown; the first attribute of a column's tag found here wins.
DECIMALS_BY_ATTRIBUTE: dict[str, int] = {"tonnes": 0, "kg": 0, "kcal": 0}


def decimals(column: Column) -> int | None:
    """The decimals to show for ``column`` (None: show the value as stored)."""
    if column.decimals is not None:
        return column.decimals
    for attribute in column.hxl.split("+")[1:]:
        if attribute in DECIMALS_BY_ATTRIBUTE:
            return DECIMALS_BY_ATTRIBUTE[attribute]
    return None


def rounded(value: Any, places: int | None) -> Any:
    """``value`` rounded to ``places`` decimals (a whole number when 0); anything not a float is left as is."""
    if places is None or not isinstance(value, float) or value != value:
        return value
    return int(round(value)) if places == 0 else round(value, places)
