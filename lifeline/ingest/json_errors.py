"""Where a JSON input breaks: the byte offset, line and column of the fault, for one clear line.

Two parsers read JSON here: Python's ``json`` (tables read whole, request bodies), whose errors carry
the character position, and ijson's yajl backend (GeoJSON, streamed: files of hundreds of MB), whose
errors carry none. For the second, ``stream_fault`` parses the file once more, in large chunks up to the
chunk the first pass failed in and then a byte at a time, so the bytes fed when the parser gives up
name the place: exact for a truncated file (its end), and for a malformed one the byte at which the
parser could no longer go on (at most the token after the fault; the excerpt shows both). The second
pass costs one more parse of the file and runs only when the file is already refused.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson

CHUNK = 1 << 16
EXCERPT_BYTES = 24
# yajl misreads a stream whose first read is a single byte; the byte-wise pass starts after this many.
FIRST_READ = 8


@dataclass(frozen=True)
class Position:
    offset: int  # bytes from the start of the file (0-based)
    line: int  # 1-based
    column: int  # 1-based, in characters of that line
    excerpt: str  # the text just before the offset

    def __str__(self) -> str:
        near = f", after {self.excerpt!r}" if self.excerpt else ""
        return f"at byte {self.offset:,} (line {self.line:,}, column {self.column:,}{near})"


def position_in(data: bytes, offset: int) -> Position:
    """The line and column of ``offset`` in ``data`` (a whole body or the file's bytes up to it)."""
    offset = max(0, min(offset, len(data)))
    start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    excerpt = data[max(start, offset - EXCERPT_BYTES):offset].decode("utf-8", errors="replace")
    return Position(offset, line, column, excerpt.strip())


def position_in_file(path: Path, offset: int) -> Position:
    """``position_in`` for a file, read in chunks (memory: one chunk and the current line's start)."""
    line, start, read = 1, 0, 0
    with path.open("rb") as f:
        while read < offset:
            chunk = f.read(min(CHUNK, offset - read))
            if not chunk:
                break
            line += chunk.count(b"\n")
            last = chunk.rfind(b"\n")
            if last >= 0:
                start = read + last + 1
            read += len(chunk)
        f.seek(start)
        head = f.read(max(0, read - start))
    column = len(head.decode("utf-8", errors="replace")) + 1
    excerpt = head[-EXCERPT_BYTES:].decode("utf-8", errors="replace").strip()
    return Position(read, line, column, excerpt)


def char_position(text: str, pos: int, bom: bool = False) -> Position:
    """The position of character ``pos`` of a decoded text (Python's ``json`` errors count characters)."""
    data = text.encode("utf-8", errors="surrogatepass")
    offset = len(text[:pos].encode("utf-8", errors="surrogatepass"))
    found = position_in(data, offset)
    return Position(found.offset + (3 if bom else 0), found.line, found.column, found.excerpt)


def decoded_fault(text: str, pos: int, reason: str, bom: bool = False, what: str = "file") -> tuple[Position, str]:
    """Where and why Python's ``json`` gave up on ``text`` (its error's ``pos`` and message). An
    unterminated string or a fault at the very end is a text cut short: named at its end, as such."""
    reason = reason.removesuffix(" at").strip()
    if reason.startswith("Unterminated string") or pos >= len(text.rstrip()):
        return char_position(text, len(text), bom), f"the {what} ends before the JSON does (truncated?)"
    return char_position(text, pos, bom), reason


class _Feed(io.RawIOBase):
    """A file given in ``CHUNK`` pieces before ``exact_from`` and a byte at a time after; counts what it gave.
    (ijson's C backend reads a raw stream through ``readinto``, which may return fewer bytes than asked.)"""

    def __init__(self, f: Any, exact_from: int | None) -> None:
        super().__init__()
        self.f, self.exact_from, self.given = f, exact_from, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = len(buffer)
        if self.exact_from is not None:
            n = min(n, self.exact_from - self.given) if self.given < self.exact_from else 1
        data: bytes = self.f.read(n)
        buffer[:len(data)] = data
        self.given += len(data)
        return len(data)


def _fails_after(path: Path, exact_from: int | None) -> tuple[int, str] | None:
    """(bytes fed when the parse failed, its message), or None when the file parses."""
    with path.open("rb") as f:
        feed = _Feed(f, exact_from)
        try:
            for _ in ijson.basic_parse(feed, buf_size=CHUNK):
                pass
        except ijson.JSONError as exc:
            return feed.given, (str(exc).strip().splitlines() or ["not valid JSON"])[0]
    return None


def stream_fault(path: Path) -> tuple[Position, str] | None:
    """Where and why the streamed parse of ``path`` fails, or None if it does not."""
    first = _fails_after(path, None)
    if first is None:
        return None
    given, message = first
    size = path.stat().st_size
    if given >= size and "premature EOF" in message:
        return position_in_file(path, size), "the file ends before the JSON does (truncated?)"
    chunk_start = max(FIRST_READ, (given - 1) // CHUNK * CHUNK - CHUNK)
    exact = _fails_after(path, chunk_start)
    fed, message = exact if exact is not None else first
    return position_in_file(path, max(0, fed - 1)), _plain(message)


def _plain(message: str) -> str:
    """yajl's message without its prefix ("parse error: ", "lexical error: ") and trailing dot."""
    if message.startswith("b'") or message.startswith('b"'):  # a bytes repr: its first line only
        message = message[2:].split("\\n")[0]
    for prefix in ("parse error: ", "lexical error: "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message.rstrip(".")


def bad_json(path: Path, fallback: Exception, context: str = "") -> str:
    """The one-line reason a streamed JSON file was refused: what broke, and where."""
    found = stream_fault(path)
    if found is None:  # the first parse failed, the second did not: name what the first said
        return f"expected valid JSON{context}: {(str(fallback).strip().splitlines() or ['unreadable'])[0]}"
    where, why = found
    return f"expected valid JSON{context}: {why} {where}"
