"""The sitrep's summary bullets: fixed sentence templates (lifeline.report.i18n, ``b_*``) filled with the key
figures and the period's alerts and closures; no wording beyond the template, each bullet with its citations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from lifeline.model.key_figures import Figure

Cite = Callable[[list[dict[str, Any]]], list[int]]


def _n(v: Any) -> str:
    return "–" if v is None else f"{v:,.0f}"


def _share(v: Any, of: Any) -> str:
    return "–" if v is None or not of else f"{100 * v / of:.0f} %"


def _change(t: Callable[[str], str], f: Figure) -> str:
    if f.change is None or f.previous_period is None:
        return ""
    return t("b_change").format(change=f"{f.change:+.0%}", previous=f.previous_period[:7])


def bullets(
    t: Callable[[str], str], figures: list[Figure], alerts: list[dict[str, Any]], closures: tuple[int, int],
    name: Callable[[Any], str], cite: Cite, closure_sources: list[dict[str, Any]],
    rule: Callable[[str], str] = lambda r: r.replace("-", " "),
) -> list[dict[str, Any]]:
    """5–8 bullets in a fixed order: trucks per source, crossings, kcal per area, alerts, closures; ``rule``
    names an alert rule in the report's language."""
    out: list[dict[str, Any]] = []
    for f in figures:
        against = dict(f.compare)
        if f.key.startswith("trucks_per_day/"):
            need = against.get("stated need")
            key = "b_trucks" if against.get("pre-war") is not None else "b_trucks_alone"
            out.append({"text": t(key).format(
                source=f.key.split("/", 1)[1], value=_n(f.value), period=(f.period or "")[:7],
                share=_share(f.value, against.get("pre-war")), prewar=_n(against.get("pre-war")),
                need=t("b_need").format(need=_n(need)) if need is not None else "", change=_change(t, f)),
                "refs": cite(f.sources)})
        elif f.key == "crossings_open":
            opened = [name(i["place"]) for i in f.items if i.get("status") == "open"]
            unknown = [name(i["place"]) for i in f.items if i.get("status") in ("unknown", "no data")]
            out.append({"text": t("b_crossings").format(
                day=f.period, n=_n(f.value), total=len(f.items), open=t("list_sep").join(opened) or t("none"),
                unknown=t("list_sep").join(unknown) or t("none")), "refs": cite(f.sources)})
        elif f.key.startswith("kcal/"):
            req = against.get("requirement")
            out.append({"text": t("b_kcal").format(
                area=name(f.place), value=_n(f.value), period=(f.period or "")[:7], low=_n(f.low), high=_n(f.high),
                share=_share(f.value, req), req=_n(req), change=_change(t, f)), "refs": cite(f.sources)})
    if alerts:
        rules = Counter(str(a.get("rule")) for a in alerts)
        still = sum(1 for a in alerts if a.get("state") != "resolved")
        out.append({"text": t("b_alerts").format(n=len(alerts), open=still, resolved=len(alerts) - still,
                                                 rule=rule(rules.most_common(1)[0][0])),
                    "refs": cite([s for a in alerts for s in (a.get("sources") or [])])})
    shut, restricted = closures  # a restriction is reported as such, never counted as a closure
    out.append({"text": t("b_closures").format(n=shut, r=restricted), "refs": cite(closure_sources)})
    return out
