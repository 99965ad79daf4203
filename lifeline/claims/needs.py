"""The stated need a share of needs is judged against: the one in force over the claim's period, by the same
rule the access face uses (``lifeline.model.stated_needs``: a statement stands over its stated period or for
``stated_need_valid_days`` after it was made, until a later one; a need dated only by a month or a year is
never in force). One rule, so `lifeline claims check`, `lifeline access --show throughput` and the key figures
never disagree on which need stands.
"""

from __future__ import annotations

from typing import Any

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.claims.dates import Period
from lifeline.claims.evidence import EvidenceIndex
from lifeline.claims.rules import ACCESS_SET
from lifeline.model import stated_needs


def need_in_force(
    idx: EvidenceIndex, names: tuple[str, ...], area: str, window: Period, access: AssumptionSet | None = None
) -> tuple[dict[str, Any] | None, str]:
    """The stated need standing on most days of ``window`` (its stored row) and a note saying which and why, or
    None and a note saying that none stands."""
    acc = access or load_set(ACCESS_SET)
    frame = idx.observations_for(names, area)
    rows = [{**r, "id": i} for i, r in enumerate(frame.to_dicts())]
    found = stated_needs.statements(rows, int(acc.value("stated_need_valid_days")))
    standing = stated_needs.in_force(found, window.start, window.end)
    if standing is None:
        listed = ", ".join(f"{r['value']:g} ({r['publisher']}, {r['date']})" for r in rows if r.get("value")) or "none"
        return None, (
            f"no stated need stands over {window.start} to {window.end} (stated needs in the store: {listed}; a need "
            "stands over its stated period or stated_need_valid_days after it was made, and one dated only by a "
            "month or a year never does: docs/access.md)"
        )
    st, days = standing
    return st.row, (
        f"the stated need in force: {st.value:g} {st.unit} ({st.row['publisher']}, stated {st.stated}, standing "
        f"{st.valid_from} to {st.valid_until}: {st.until_why}; {days} of the period's days)"
    )
