"""A file's SHA-256, read in 1 MiB blocks: the fingerprint every imported file (line lists, reference
sets, boundaries) is recorded with, so a re-import of the same bytes is recognised."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
