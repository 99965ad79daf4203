"""Render a built report to standalone HTML (Jinja2, autoescaped) and to PDF (WeasyPrint)."""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import escape

from lifeline.errors import UserError
from lifeline.i18n.wording import isolated
from lifeline.report.document import Report
from lifeline.report.svg import swatch

_env = Environment(loader=PackageLoader("lifeline.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
_env.globals["swatch"] = swatch


# Beyond this much text, one column that may run onto the next page rather than two blocks that move whole.
HALVES_MAX_CHARS = 1800


def halves(items: Sequence[Any]) -> list[list[tuple[int, Any]]]:
    """Items (numbered from 1) in two columns of about equal text, for two side-by-side blocks: WeasyPrint's
    CSS columns balance by laying the content out again and again (they doubled the PDF's time)."""
    sizes = [len(str(i)) for i in items]
    if len(items) < 2 or sum(sizes) > HALVES_MAX_CHARS:  # an inline block cannot break across pages
        return [list(enumerate(items, 1))]
    acc, cut = 0, 1
    for k, n in enumerate(sizes[:-1]):
        acc += n
        cut = k + 1
        if acc >= sum(sizes) / 2:
            break
    numbered = list(enumerate(items, 1))
    return [numbered[:cut], numbered[cut:]]


_env.filters["halves"] = halves
# A figure such as "1,887 (1,379–2,711)" read left to right inside Arabic text; WeasyPrint ignores
# `unicode-bidi: isolate`, so the isolate characters themselves (LRI ... PDI) are written.
_env.filters["ltr"] = lambda text, rtl: f"\u2066{text}\u2069" if rtl else text


def to_html(report: Report) -> str:
    """The whole report as one HTML document: styles inline, charts as inline SVG, no external files. In a
    right-to-left report every left-to-right run of its text is isolated (:func:`isolate_runs`)."""
    html = _env.get_template("sitrep.html.j2").render(r=report)
    return isolate_runs(html) if report.direction == "rtl" else html


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)\s*([A-Za-z][\w-]*)")
_UNTOUCHED = {"style", "script", "svg"}  # CSS, code, and charts' SVG text (laid out by its own anchors)


def isolate_runs(html: str) -> str:
    """Every text of ``html`` (outside tags, styles and SVG) with its left-to-right runs between the Unicode
    isolates (:func:`lifeline.i18n.wording.isolated`): the one place figures, URLs and English titles meet
    Arabic sentences, whichever template or wording put them there. WeasyPrint ignores ``<bdi>`` and
    ``unicode-bidi: isolate`` but honours the characters."""
    out, inside, depth = [], "", 0
    for part in _TAG.split(html):
        tag = _TAG_NAME.match(part) if part.startswith("<") else None
        if tag:
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if not inside and not closing and name in _UNTOUCHED and not part.endswith("/>"):
                inside, depth = name, 1
            elif inside == name and not part.endswith("/>"):
                depth += -1 if closing else 1
                inside = "" if depth == 0 else inside
            out.append(part)
        elif inside or not part.strip() or part.startswith("<"):
            out.append(part)
        else:
            out.append(str(escape(isolated(html_text.unescape(part)))))
    return "".join(out)


def to_pdf(html: str) -> bytes:
    """The HTML laid out as an A4 PDF; fonts come from the system (DejaVu, Noto Naskh Arabic)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()  # type: ignore[no-any-return]


def write(report: Report, path: Path) -> Path:
    """Write ``.html`` or ``.pdf`` by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix not in {".html", ".htm", ".pdf"}:
        raise UserError("the output file must end in .pdf or .html", file=str(path))
    html = to_html(report)
    try:
        if suffix == ".pdf":
            path.write_bytes(to_pdf(html))
        else:
            path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the report ({exc.strerror})", file=str(path)) from None
    return path
