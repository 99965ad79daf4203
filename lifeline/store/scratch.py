"""Scratch folders of big imports: named after the process that made them, removed on every exit path.

A big SQLite import stages its rows in scratch databases (``ingest.bulk_staged``) that stay
attached to the import's connection until its transaction ends. Each folder is recorded on the
connection's pool entry, so the pool's check-in handler (``store.engine``) removes it whatever
ended the transaction: a commit, a refused row, an exception, KeyboardInterrupt, or a connection
invalidated on the way. A process killed outright cannot clean up after itself: its folders carry
its process id and the next store opened on this machine removes those whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

FOLDER_PREFIX = "lifeline-stage-"  # then the process id and a random part: lifeline-stage-1234-k2j9x_
RECORD_KEY = "lifeline_scratch_folders"  # on the pool entry's record_info: folders still to remove
_OWNED = re.compile(rf"^{re.escape(FOLDER_PREFIX)}(\d+)-")


def new_folder(connection_record_info: dict[str, Any] | None) -> Path:
    """A new scratch folder for this process, recorded on the connection so its check-in removes it."""
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
    if connection_record_info is not None:
        connection_record_info.setdefault(RECORD_KEY, set()).add(str(folder))
    return folder


def remove_recorded(record_info: dict[str, Any], keep: set[Path]) -> None:
    """Remove the folders recorded on a connection, except those ``keep`` (a file still attached)."""
    folders: set[str] = record_info.get(RECORD_KEY) or set()
    for folder in list(folders):
        if Path(folder) in keep:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        folders.discard(folder)


def sweep_stale(root: Path | None = None) -> list[Path]:
    """Remove scratch folders left by processes that no longer run (killed mid-import); returns them."""
    removed: list[Path] = []
    base = root or Path(tempfile.gettempdir())
    try:
        candidates = list(base.glob(f"{FOLDER_PREFIX}*"))
    except OSError:
        return removed
    for folder in candidates:
        owner = _OWNED.match(folder.name)
        if not owner or not folder.is_dir() or _alive(int(owner[1])):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
