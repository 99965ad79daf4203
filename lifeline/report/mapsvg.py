"""The sitrep's small map: the context's areas in outline (imported boundaries, else Gaza's schematic) with
each entry point coloured by the status the key figures give it (``lifeline.palette``, the Overview's
colours), drawn as inline SVG so the PDF needs no tiles or network. The shapes come from the core
(``lifeline.geo.drawing``), the same the web map draws."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from sqlalchemy import Connection

from lifeline import palette
from lifeline.geo import drawing
from lifeline.model.contexts import Context

WIDTH, HEIGHT, PAD = 520.0, 560.0, 24.0
LABEL_ROOM = 170.0  # the entry points' names run east of the areas


def drawn(conn: Connection, ctx: Context | None, items: list[dict[str, Any]]) -> list[str]:
    """The codes of the entry points asked that the context's map places, in its order (the numbers the
    Arabic map shows)."""
    asked = {str(i["place"]) for i in items}
    return [p.code for p in drawing.drawing(conn, ctx, WIDTH, HEIGHT, PAD).points if p.code in asked]


def crossings_map(conn: Connection, ctx: Context | None, items: list[dict[str, Any]],
                  name: Callable[[Any], str], numbered: bool = False) -> str:
    """Areas in outline, entry points as dots in their status colour, each labelled with its name (or, when
    ``numbered``, with its place in :func:`drawn`, the names then listed in the page's HTML: WeasyPrint neither
    shapes nor orders Arabic inside an SVG); empty when the context's map has neither an outline nor one of
    the entry points asked."""
    status = {str(i["place"]): i for i in items}
    drawn_map = drawing.drawing(conn, ctx, WIDTH, HEIGHT, PAD)
    placed = [p for p in drawn_map.points if p.code in status]
    if not placed and not drawn_map.areas:
        return ""
    box = f"0 0 {drawn_map.width + LABEL_ROOM:.0f} {drawn_map.height:.0f}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" data-basis="{drawn_map.basis}">']
    for a in drawn_map.areas:
        parts.append(f'<path d="{a.d}" fill="#eef3f7" fill-rule="evenodd" stroke="#7a8b99" stroke-width="1.5"/>')
    for number, p in enumerate(placed, start=1):
        colour = palette.status_colour(status[p.code])
        dash = ' stroke-dasharray="3 2"' if p.position in ("approximate", "schematic") else ""
        parts.append(f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="11" fill="{colour}" stroke="#222" '
                     f'stroke-width="1.5"{dash}/>')
        parts.append(f'<text x="{p.x + 15:.1f}" y="{p.y + 5:.1f}" font-size="20" fill="#222">'
                     f'{number if numbered else escape(name(p.code))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def basis_of(svg: str) -> str:
    """The basis a map drawn by :func:`crossings_map` carries ("schematic", "boundaries"), so its caption
    names what is drawn; "" for no map."""
    found = re.search(r'data-basis="([^"]*)"', svg)
    return found.group(1) if found else ""


def legend(items: list[dict[str, Any]], name: Callable[[Any], str]) -> str:
    """One line per crossing: its name, the status with its basis, and the age of that status."""
    out = []
    for i in items:
        age = "" if i.get("age_days") is None else f", {i['age_days']} d"
        out.append(f"{name(i['place'])}: {i.get('status_label') or i.get('status')}{age}")
    return " · ".join(out)
