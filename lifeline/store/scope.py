"""Which delivery rows belong to one context, as a SQL condition the read-side queries can add.

Kept in the store layer so every query scopes the same way; the model decides when to scope (a store
with several contexts) and builds the scope from the context's places (``model.contexts.scope``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_

from lifeline.store import schema


@dataclass(frozen=True)
class DeliveryScope:
    """The rows of a context: through one of its entry points or to one of its areas, or naming neither in a
    dataset whose other rows belong to it (COGAT's land rows)."""

    members: tuple[str, ...]
    datasets: tuple[int, ...]

    def condition(self, rows: Any = None) -> Any:
        """The condition on ``rows`` (the deliveries table, or the deliveries as held at a moment)."""
        d = schema.deliveries if rows is None else rows
        return or_(
            d.c.crossing.in_(self.members),
            d.c.area.in_(self.members),
            and_(d.c.crossing.is_(None), d.c.area.is_(None), d.c.dataset_id.in_(self.datasets)),
        )
