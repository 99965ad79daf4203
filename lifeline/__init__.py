"""Lifeline: a humanitarian access and supply-gap monitor."""

__version__ = "0.1.0"
