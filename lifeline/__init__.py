"""Lifeline: a humanitarian access and supply-gap monitor."""

import os as _os

# polars allocates through its own jemalloc, which keeps freed pages for ~10 s before giving them
# back; an import then holds the read buffers while it normalises and stores. Returning them at
# once keeps a million-row import under 500 MB (measured 507-548 MB -> 468-470 MB, no measurable
# time cost; docs/performance.md). It must be set before polars loads; a user's own setting wins.
_os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

__version__ = "0.1.0"
