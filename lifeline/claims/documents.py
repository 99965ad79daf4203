"""Read a statement from plain text, HTML or PDF into one text with a title.

HTML is parsed, never rendered: script, style and other non-content elements are dropped and
no resource is fetched, so hostile markup yields only its visible words. A PDF with no text layer
(a scan) is refused with one line, since checking nothing would look like "no claims".
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from lifeline.errors import BadFile, UserError

# Elements whose content is never visible text.
_SKIP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "title"}
# Elements that end a line of text (so sentences do not run together).
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "figcaption",
}
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٬٫", "01234567890123456789,.")


@dataclass
class Document:
    """The visible text of a statement, its title when it has one, and what kind of file it was."""

    text: str
    title: str | None = None
    kind: str = "text"
    name: str | None = None


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag in {"p", "div", "h1", "h2", "h3", "h4", "li", "tr", "br"} else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP and self._skip:
            self._skip -= 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """Visible text and <title> of an HTML document; scripts and styles are dropped, nothing is run."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    title = " ".join("".join(parser.title).split()) or None
    return text, title


def pdf_to_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise BadFile(f"cannot read this PDF ({exc})", file=name) from None
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise BadFile(
            "this PDF has no text layer (a scanned image?): nothing to check; run OCR first or paste the text",
            file=name,
        )
    return text


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or bool(
        re.search(r"<(?:p|div|body|script|article|h[1-6]|span|br)\b", head)
    )


# Arabic vowel and recitation marks (tashkeel): "فُتِحَ" is "فتح" to every pattern. Tatweel (ـ) is kept: the
# figure patterns read "بـ٥٠٠".
_TASHKEEL = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED]")


def normalise_text(text: str) -> str:
    """Arabic-Indic digits to ASCII, no vowel marks, no NULs: the one normalisation of the text checked (the
    report's spans index this text)."""
    return _TASHKEEL.sub("", text.translate(_ARABIC_DIGITS).replace("\x00", " "))


def from_bytes(data: bytes, name: str = "-", max_bytes: int | None = None) -> Document:
    """Decode a document given as bytes (a file, an upload, stdin): PDF, HTML or plain text."""
    if max_bytes is not None and len(data) > max_bytes:
        raise UserError(
            f"document is {len(data):,} bytes, above the limit of {max_bytes:,} (claims.toml max_document_bytes)",
            file=name,
        )
    if data.lstrip()[:5] == b"%PDF-":
        return Document(text=normalise_text(pdf_to_text(data, name)), kind="pdf", name=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise BadFile("not text, HTML or PDF (cannot decode as UTF-8)", file=name) from None
    if "\x00" in text[:4096]:
        raise BadFile("binary file: not text, HTML or PDF", file=name)
    return from_text(text, name)


def from_text(text: str, name: str | None = None) -> Document:
    """A document given as a string; HTML is reduced to its visible text."""
    if looks_like_html(text):
        body, title = html_to_text(text)
        return Document(text=normalise_text(body), title=title, kind="html", name=name)
    return Document(text=normalise_text(text), kind="text", name=name)


def read_path(path: Path, max_bytes: int | None = None) -> Document:
    """Read one document file; a missing or unreadable path is one clear line."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise UserError(
                f"document is {size:,} bytes, above the limit of {max_bytes:,} (claims.toml max_document_bytes)",
                file=str(path),
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise UserError("is a directory", file=str(path)) from None
    except PermissionError:
        raise UserError("permission denied", file=str(path)) from None
    doc = from_bytes(data, str(path), max_bytes)
    if doc.title is None:
        doc.title = path.name
    return doc
