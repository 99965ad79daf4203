"""One HTTP(S) download, conditional and whole-or-nothing.

The request carries the ETag and Last-Modified the previous check saw, so an unchanged publication
costs one 304. A body is streamed to a temporary file and hashed on the way; it is handed on only
when it is complete (as many bytes as Content-Length said), not larger than the limit, and of a
data content type. An HTML page served with 200 (a login or error page) is a failure, not a version.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

# Content types a data file may come with. Publishers label CSV and XLSX loosely (text/plain,
# octet-stream, zip), so the check is that it is not a page meant for a browser.
REFUSED_TYPES = ("text/html", "application/xhtml+xml")
DROPPED_HEADERS = {"set-cookie", "authorization", "proxy-authorization", "www-authenticate"}
USER_AGENT = "Lifeline (humanitarian access monitor; live sources)"


class FetchError(Exception):
    """A check that failed: the message says what went wrong, never a credential."""

    def __init__(self, message: str, status: int | None = None, received: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.received = received


@dataclass
class Download:
    """What one request gave: 304 (``not_modified``), or a complete body in ``path`` with its hash."""

    url: str  # the URL after redirects
    status: int
    not_modified: bool
    path: Path | None = None
    bytes: int = 0
    sha256: str | None = None
    filename: str = ""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def file_name(url: str, disposition: str | None) -> str:
    """The publisher's file name (Content-Disposition, else the URL's last path part), safe as a name."""
    name = ""
    if disposition:
        m = re.search(r"filename\*=(?:UTF-8'')?([^;]+)", disposition, re.I) or re.search(
            r'filename="?([^";]+)"?', disposition, re.I
        )
        if m:
            name = unquote(m[1].strip())
    if not name:
        name = unquote(urlparse(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\-]+", "_", os.path.basename(name)).strip("._")
    return name or "download"


def kept_headers(headers: httpx.Headers) -> dict[str, str]:
    """Response headers worth keeping with a snapshot; cookies and authentication challenges dropped."""
    return {k.lower(): v for k, v in headers.items() if k.lower() not in DROPPED_HEADERS}


def download(
    client: httpx.Client,
    url: str,
    into: Path,
    etag: str | None = None,
    last_modified: str | None = None,
    token: str | None = None,
    max_bytes: int = 500_000_000,
) -> Download:
    """GET ``url`` conditionally; a body lands in a temporary file under ``into``, checked and hashed."""
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if token:
        headers["Authorization"] = f"Bearer {token}"
    into.mkdir(parents=True, exist_ok=True)
    try:
        with client.stream("GET", url, headers=headers, follow_redirects=True) as response:
            final = str(response.url)
            if response.status_code == 304:
                return Download(final, 304, True, etag=response.headers.get("etag", etag),
                                last_modified=response.headers.get("last-modified", last_modified),
                                headers=kept_headers(response.headers))
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} from {final}", status=response.status_code)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower() or None
            if ctype in REFUSED_TYPES:
                raise FetchError(f"{final} sent a web page ({ctype}), not a data file", status=200)
            expected = response.headers.get("content-length")
            if expected is not None and expected.isdigit() and int(expected) > max_bytes:
                raise FetchError(f"{final} announces {int(expected):,} bytes, over the {max_bytes:,}-byte limit", 200)
            return _receive(response, final, into, ctype, expected, max_bytes)
    except httpx.TimeoutException:
        raise FetchError(f"no answer from {url} within the timeout") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from None


def _receive(response: httpx.Response, final: str, into: Path, ctype: str | None, expected: str | None,
             max_bytes: int) -> Download:
    digest, received = hashlib.sha256(), 0
    fd, name = tempfile.mkstemp(prefix="partial-", dir=into)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in response.iter_bytes(1 << 16):
                received += len(chunk)
                if received > max_bytes:
                    raise FetchError(f"{final} sent more than the {max_bytes:,}-byte limit", 200, received)
                digest.update(chunk)
                out.write(chunk)
        if expected is not None and expected.isdigit() and received != int(expected):
            raise FetchError(f"{final}: truncated body, {received:,} of {int(expected):,} bytes", 200, received)
        if received == 0:
            raise FetchError(f"{final} sent an empty body", 200, 0)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Download(
        url=final,
        status=200,
        not_modified=False,
        path=path,
        bytes=received,
        sha256=digest.hexdigest(),
        filename=file_name(final, response.headers.get("content-disposition")),
        content_type=ctype,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        headers=kept_headers(response.headers),
    )
