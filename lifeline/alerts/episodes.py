"""Runs of consecutive flagged days (or weeks): the episodes alerts describe."""

from __future__ import annotations

import numpy as np


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Start and end index (inclusive) of each run of True, in order."""
    f = np.asarray(flags, dtype=bool)
    if f.size == 0:
        return []
    edges = np.diff(np.concatenate(([0], f.astype(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))
