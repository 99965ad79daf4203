"""The sitrep's small map: the shipped schematic of the Gaza Strip with each crossing coloured by the status
the key figures give it (the Overview's colours), drawn as inline SVG so the PDF needs no tiles or network."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from lifeline.web import charts, mapsvg

LABEL_ROOM = 170.0  # the crossings' names run east of the strip


def drawn(items: list[dict[str, Any]]) -> list[str]:
    """The codes of the crossings asked that the shipped schematic places, in its order."""
    asked = {str(i["place"]) for i in items}
    return [s.code for s in mapsvg.shapes() if s.kind == "crossing" and s.code in asked]


def crossings_map(items: list[dict[str, Any]], name: Callable[[Any], str], numbered: bool = False) -> str:
    """Governorates in outline, crossings as dots in their status colour, each labelled with its name (or, when
    ``numbered``, with its place in :func:`drawn`, the names then listed in the page's HTML: WeasyPrint neither
    shapes nor orders Arabic inside an SVG); empty when none of the crossings asked is on the shipped schematic
    (another context's places are not drawn over Gaza's outline)."""
    status = {str(i["place"]): i for i in items}
    number = {code: i + 1 for i, code in enumerate(drawn(items))}
    if not any(s.kind == "crossing" and s.code in status for s in mapsvg.shapes()):
        return ""
    box = f"0 0 {mapsvg.WIDTH + LABEL_ROOM:.0f} {mapsvg.HEIGHT:.0f}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}">']
    shapes = mapsvg.shapes()
    for s in shapes:
        if s.kind == "governorate":
            parts.append(f'<path d="{s.d}" fill="#eef3f7" stroke="#7a8b99" stroke-width="1.5"/>')
    for s in shapes:
        if s.kind == "crossing" and s.code in status:
            row = status[s.code]
            colour = charts.STATUS_COLOURS[charts.status_category(row)]
            dash = "" if s.position == "public" else ' stroke-dasharray="3 2"'
            parts.append(f'<circle cx="{s.x:.1f}" cy="{s.y:.1f}" r="11" fill="{colour}" stroke="#222" '
                         f'stroke-width="1.5"{dash}/>')
            parts.append(f'<text x="{s.x + 15:.1f}" y="{s.y + 5:.1f}" font-size="20" fill="#222">'
                         f'{number[s.code] if numbered else escape(name(s.code))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(items: list[dict[str, Any]], name: Callable[[Any], str]) -> str:
    """One line per crossing: its name, the status with its basis, and the age of that status."""
    out = []
    for i in items:
        age = "" if i.get("age_days") is None else f", {i['age_days']} d"
        out.append(f"{name(i['place'])}: {i.get('status_label') or i.get('status')}{age}")
    return " · ".join(out)
