"""Where a figure's clause begins and ends: the breaks after which words assert something else, the words after
a figure that still speak of it (appositives and dashed asides stepped over), and the words before it.
"""

from __future__ import annotations

import re

from lifeline.claims import quantities as qty
from lifeline.claims.gazetteer import Mention

# A clause break after a figure: what follows asserts something else ("58 trucks a day, while before the
# war 500 …", "500 شاحنة يومياً، وإن مخازنه في رفح …", "300 ألف شخص، بعد أن نزح …").
CLAUSE_BREAK = re.compile(
    r"[;؛]|[,،]\s*(?:and|but|while|whereas|after|as|فيما|بينما|بعد|لكن|حيث|إذ)(?!\w)"
    r"|[,،]\s*و(?:إن|أن|قد|لكن|كان|كانت|هو|هي|ذلك|في|من|[يتأن](?=\w))"
    r"|(?<!\w)(?:فيما|بينما|while|whereas)(?!\w)",
    re.IGNORECASE,
)


def clause_end(sentence: str, start: int, end: int) -> int:
    """Where the clause that starts at ``start`` ends, at most at ``end``."""
    m = CLAUSE_BREAK.search(sentence, start, end)
    return m.start() if m else end


def own_before(before: str) -> str:
    """The words before a figure within its own clause ("…، فيما تعمل" -> "تعمل")."""
    parts = CLAUSE_BREAK.split(before)
    return parts[-1] if parts else before


_APPOSITIVE = re.compile(
    r"[,،]\s*(?:(?:nearly|almost|virtually|practically)\s+all|the (?:vast |overwhelming )?majority"
    r"|most|many|some|all|half|mostly|mainly|largely|including|among them|of whom)\b[^,;،]*(?:[,،]|$)"
    r"|[,،]\s*(?:و?(?:معظمهم|أغلبهم|غالبيتهم|جميعهم|كلهم|بينهم|منهم|من بينهم|أكثرهم))(?!\w)[^,;،]*(?:[,،]|$)",
    re.IGNORECASE,
)


_DASHED = re.compile(r"\s[-–—]\s[^-–—]{1,80}?\s[-–—]\s")


def words_after(sentence: str, q: qty.Quantity, figures: list[qty.Quantity], i: int) -> str:
    """The words after a figure up to the next figure, stepping over a figure set off by dashes
    ("1.7 million Gazans - 75% of the population - are displaced" speaks of displaced people)."""
    nxt = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
    text = sentence[q.end : min(nxt, q.end + 90)]
    for m in _DASHED.finditer(sentence, q.end, min(len(sentence), q.end + 120)):
        if m.start() <= nxt < m.end():
            after = figures[i + 2].start if i + 2 < len(figures) else len(sentence)
            return sentence[q.end : m.start()] + " " + sentence[m.end() : min(after, m.end() + 90)]
    return text


def own_clause(head: str) -> str:
    """The words after a figure that still speak of it: up to a semicolon, without appositives
    ("1.4 million people were in Rafah, most of them displaced from the north" speaks of people)."""
    return _APPOSITIVE.sub(" ", head.split(";", 1)[0])


def shifted_mentions(places: list[Mention], by: int) -> list[Mention]:
    """The mentions with their offsets counted from ``by`` (the start of a clause)."""
    return [Mention(m.start - by, m.end - by, m.text, m.places, m.crossing_word) for m in places]
