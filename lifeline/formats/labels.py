"""Short column labels for publishers: a file's ``#meta+source`` may be a sentence ("SYNTHETIC test data
(round 3) - not real figures"), which as a column prefix makes every table as wide as the sentence. The
label is its head (before a bracket, " - " or a comma), at most ``MAX_LABEL`` characters; the full text
stays the column's key and is cited in the table's sources.
"""

from __future__ import annotations

import re

MAX_LABEL = 28
_HEAD = re.compile(r"\s*(?:\(|\s-\s|,|;|:)")


def publisher_label(publisher: str) -> str:
    """``UNRWA`` stays ``UNRWA``; a sentence shortens to its head, cut with an ellipsis if still long."""
    text = publisher.strip()
    if len(text) <= MAX_LABEL:
        return text
    head = _HEAD.split(text, maxsplit=1)[0].strip() or text
    return head if len(head) <= MAX_LABEL else head[: MAX_LABEL - 1].rstrip() + "…"
