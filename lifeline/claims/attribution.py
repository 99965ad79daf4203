"""Attribution: the sources a sentence names with a reporting word, and the one a figure's own clause gives it
(attribution ends at a clause break and never crosses a contrast).
"""

from __future__ import annotations

import re

from lifeline.claims.clauses import CLAUSE_BREAK, clause_end
from lifeline.claims.rules import Attribution, Rules


def find_attributions(sentence: str, rules: Rules) -> list[tuple[int, Attribution]]:
    """Sources the sentence attributes figures to: a source's name with a reporting word near it."""
    cue = rules.attribution_cue
    if cue is None:
        return []
    out: list[tuple[int, Attribution]] = []
    taken: list[tuple[int, int]] = []
    for att in rules.attributions:
        for m in att.names.finditer(sentence):
            if any(a <= m.start() < b for a, b in taken):
                continue
            around = sentence[max(0, m.start() - 30) : m.end() + 30]
            if cue.search(around):
                out.append((m.start(), att))
                taken.append((m.start(), m.end()))
    return out


# Words that set one clause's source against another's: "UNRWA recorded 4,400 … while COGAT put it at 5,200".
_CONTRAST = re.compile(r"\b(?:while|whereas|but|however)\b|(?<!\w)(?:بينما|فيما|لكن|في حين)(?!\w)", re.IGNORECASE)


def nearest_attribution(found: list[tuple[int, Attribution]], at: int, sentence: str = "") -> Attribution | None:
    """The source of the figure's own clause, else the nearest one not across a contrast ("…, while COGAT …"):
    attribution ends at a clause break."""
    if not found:
        return None
    lo = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, at)), default=0)
    hi = clause_end(sentence, at, len(sentence))
    own = [p for p in found if lo <= p[0] < hi]
    reachable = own or [
        p for p in found if not _CONTRAST.search(sentence[min(p[0], at) : max(p[0], at)])
    ]
    return min(reachable, key=lambda p: abs(p[0] - at))[1] if reachable else None
