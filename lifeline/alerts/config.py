"""The rule set in force: thresholds (named, sourced assumptions), enabled rules and channels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError


@dataclass
class AlertConfig:
    """Thin view over the ``alerts`` assumption set, so rules read values by name."""

    set: AssumptionSet

    def value(self, name: str) -> float:
        return self.set.value(name)

    def rule(self, name: str) -> dict[str, Any]:
        rules = self.set.tables.get("rules", {})
        return dict(rules.get(name, {}))

    def enabled(self, name: str) -> bool:
        return bool(self.rule(name).get("enabled", False))

    def severity(self, name: str) -> str:
        return str(self.rule(name).get("severity", "medium"))

    def channel(self, name: str) -> dict[str, Any]:
        return dict(self.set.tables.get("channels", {}).get(name, {}))

    def citation(self, *names: str) -> list[dict[str, Any]]:
        """The thresholds an alert used, each with its value and source, for the evidence."""
        out = []
        for n in names:
            a = self.set.get(n)
            out.append({"assumption": n, "value": a.value, "unit": a.unit, "source": a.source})
        return out


def load_config(overrides: Iterable[str | Path] = ()) -> AlertConfig:
    cfg = AlertConfig(load_set("alerts", overrides))
    for name in cfg.set.tables.get("rules", {}):
        sev = cfg.severity(name)
        if sev not in {"low", "medium", "high"}:
            raise UserError(f"rules.{name}.severity must be low, medium or high, got {sev!r}", file=cfg.set.files[-1])
    return cfg
