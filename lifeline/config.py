"""Where the store lives: ``--db URL`` beats ``LIFELINE_DB`` beats SQLite in the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "LIFELINE_DB"


def default_db_url() -> str:
    """SQLite file in the per-user data directory (created on demand)."""
    from platformdirs import user_data_dir  # 30 ms to import: only when no URL is given

    folder = Path(user_data_dir("lifeline", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'lifeline.db'}"


def resolve_db_url(explicit: str | None = None) -> str:
    """The URL to use, in order of precedence; a bare path is taken as a SQLite file."""
    url = explicit or os.environ.get(ENV_DB) or default_db_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
