"""An HDX dataset's resources through the field's own client, hdx-python-api.

The client is configured for a given site URL (``LIFELINE_HDX_URL``, else the public HDX site),
read-only, with a session that has a timeout and no retries of its own (the scheduler retries,
with backoff). An API key, when a private dataset needs one, is read by the client from the
environment (``HDX_KEY``) and is never printed, logged or stored.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import requests

from lifeline.ingest.live.http import USER_AGENT, FetchError

ENV_HDX_URL = "LIFELINE_HDX_URL"
ENV_HDX_KEY = "HDX_KEY"
PUBLIC_SITE = "https://data.humdata.org"


@dataclass(frozen=True)
class Resource:
    """One published file of a dataset as HDX describes it."""

    id: str
    name: str
    url: str
    last_modified: str | None
    format: str | None


class _TimedSession(requests.Session):
    """A requests session whose every call has a timeout (requests has none by default)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def site_url() -> str:
    return (os.environ.get(ENV_HDX_URL) or PUBLIC_SITE).rstrip("/")


def _configuration(url: str, timeout: float) -> Any:
    from hdx.api.configuration import Configuration

    logging.getLogger("hdx").setLevel(logging.WARNING)  # the client logs its set-up at INFO
    key = os.environ.get(ENV_HDX_KEY) or None
    cfg = Configuration(hdx_url=url, hdx_read_only=key is None, hdx_key=key, user_agent="Lifeline")
    cfg.setup_session_remoteckan(session=_TimedSession(timeout))
    return cfg


def resources(dataset: str, resource: str | None = None, url: str | None = None,
              timeout: float = 30.0) -> list[Resource]:
    """The dataset's resources (or the one named by id or name), with their ``last_modified`` and URLs."""
    from hdx.data.dataset import Dataset

    site = url or site_url()
    try:
        found = Dataset.read_from_hdx(dataset, configuration=_configuration(site, timeout))
    except Exception as exc:  # noqa: BLE001 - the client wraps every transport fault in HDXError
        cause = exc.__cause__ or exc
        raise FetchError(f"HDX {site}: cannot read dataset {dataset!r} ({cause.__class__.__name__})") from None
    if found is None:
        raise FetchError(f"HDX {site}: no dataset named {dataset!r}", status=404)
    out = []
    for r in found.get_resources():
        out.append(Resource(id=str(r["id"]), name=str(r.get("name") or r["id"]), url=str(r.get("url") or ""),
                            last_modified=r.get("last_modified"), format=r.get("format")))
    if resource is not None:
        out = [r for r in out if resource in {r.id, r.name}]
        if not out:
            raise FetchError(f"HDX dataset {dataset!r} has no resource {resource!r}", status=404)
    return [r for r in out if r.url]
