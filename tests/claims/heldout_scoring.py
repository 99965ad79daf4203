"""One scoring for every held-out set after the second: held-out set 2's rules (loaded from its file), the
floors of a set's reading rate and verdict accuracy, and a disputed case that must still fail as written."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

CLAIM_FIELDS = {"figure", "indicator", "period", "place", "unit", "sources", "verdict", "working"}


def _heldout2() -> ModuleType:
    """The scoring of held-out set 2 (tests/claims/heldout2/test_heldout2.py), one rule for every set."""
    path = Path(__file__).resolve().parent / "heldout2" / "test_heldout2.py"
    spec = importlib.util.spec_from_file_location("claims_heldout2_scoring", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


H2 = _heldout2()


def statements(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["statement"]  # type: ignore[no-any-return]


def assert_well_formed(path: Path, count: int, items: int) -> None:
    """``count`` statements, at least ``items`` expected claims or statements with nothing to judge."""
    found = statements(path)
    assert len(found) == count
    assert sum(len(s.get("claims", [])) for s in found) + sum(1 for s in found if s.get("no_claim")) >= items
    for s in found:
        for claim in s.get("claims", []):
            assert CLAIM_FIELDS <= set(claim)


def assert_floors(path: Path, store: str, reading_floor: float, verdict_floor: float) -> None:
    scores = [score for s in statements(path) for score in H2._score_statement(s, H2._check(store, s))]
    read_ok, verdict_ok = sum(s.reading_ok for s in scores), sum(s.verdict_ok for s in scores)
    reading, verdict = read_ok / len(scores), verdict_ok / len(scores)
    print("\n" + H2._table(scores))
    print(f"\nreading rate {read_ok}/{len(scores)} = {reading:.0%}; "
          f"verdict accuracy {verdict_ok}/{len(scores)} = {verdict:.0%}")
    assert reading >= reading_floor, f"reading rate {reading:.0%} fell below the floor {reading_floor:.0%}"
    assert verdict >= verdict_floor, f"verdict accuracy {verdict:.0%} fell below the floor {verdict_floor:.0%}"


def assert_as_expected(path: Path, store: str, sid: str) -> None:
    """The statement ``sid`` read and judged as its set expects (a disputed case's xfail)."""
    (statement,) = [s for s in statements(path) if s["id"] == sid]
    scores = H2._score_statement(statement, H2._check(store, statement))
    assert all(s.reading_ok and s.verdict_ok for s in scores), H2._table(scores)
