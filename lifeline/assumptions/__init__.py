"""Assumptions as data: every constant Lifeline uses is named, sourced and overridable (TOML)."""

from lifeline.assumptions.loader import Assumption, AssumptionSet, load_set

__all__ = ["Assumption", "AssumptionSet", "load_set"]
