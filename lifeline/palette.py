"""The colours every chart and map uses, in the web and in the sitrep alike: one palette, one colour per
source (or area), one colour per crossing status. Kept outside the faces so both draw the same thing.

The palette is Okabe & Ito, "Color Universal Design" (2008), safe for the common forms of colour blindness.
Sources take the first six; vermillion and black are kept for reference lines (stated need, requirement,
consumption cap), so a line of data never looks like a threshold.
"""

from __future__ import annotations

import zlib
from typing import Any

OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "purple": "#CC79A7", "sky": "#56B4E9",
             "yellow": "#F0E442", "vermillion": "#D55E00", "black": "#000000"}
PALETTE = list(OKABE_ITO.values())
SERIES_COLOURS = PALETTE[:6]
# The two lists every Gaza page compares keep fixed colours; any other source or area is placed in the palette
# by a stable hash of its name, so it too has one colour on every chart and every page load.
FIXED_COLOURS = {"UNRWA": OKABE_ITO["blue"], "COGAT": OKABE_ITO["orange"]}
REFERENCE_COLOURS = {"requirement": OKABE_ITO["black"], "cap": OKABE_ITO["vermillion"],
                     "need": OKABE_ITO["vermillion"], "prewar": "#666666", "partial": OKABE_ITO["black"]}


def colour(key: Any) -> str:
    """The colour of a source (or area code, or any series key): the same on every chart, in every process
    (crc32, not ``hash()``). Pass the code, not a translated name, so both languages agree."""
    if key in FIXED_COLOURS:
        return FIXED_COLOURS[key]
    return SERIES_COLOURS[zlib.crc32(str(key).encode("utf-8")) % len(SERIES_COLOURS)]


# What a crossing-day looks like, by status and basis (Okabe-Ito colours): a reported opening and an opening
# inferred from recorded entries differ, a lapsed report is "unknown", sources in conflict are "disputed".
STATUS_COLOURS = {
    "open (reported)": "#009E73", "open (entries recorded)": "#56B4E9", "restricted": "#E69F00",
    "closed": "#D55E00", "disputed": "#CC79A7", "unknown": "#999999", "no data": "#d9d9d9",
}


def status_category(row: dict[str, Any], status: str = "status") -> str:
    """The colour category of a status row (a timeline day, a key figure), from its label (status and basis)
    where it has one.

    An "open" with no basis counts as inferred from entries: only a report makes an opening "reported"."""
    label = str(row.get("status_label") or "")
    value = str(row.get(status) or "no data").replace("_", " ")
    if value == "disputed" or label.startswith("disputed"):
        return "disputed"
    if value == "open":
        return "open (reported)" if label == "open (reported)" or row.get("basis") == "reported" \
            else "open (entries recorded)"
    return value if value in STATUS_COLOURS else "no data"


def status_colour(row: dict[str, Any], status: str = "status") -> str:
    """The colour a status row is drawn in (:func:`status_category`'s colour)."""
    return STATUS_COLOURS[status_category(row, status)]
