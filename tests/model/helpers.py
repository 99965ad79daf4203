"""Small hand-made line lists for the model tests: a UNRWA-shaped CSV written to a temporary folder."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine

from lifeline.assumptions import load_set
from lifeline.ingest.service import import_file

HEADER = [
    "ID",
    "Received Date",
    "Crossing",
    "Cargo Category",
    "Description of Cargo",
    "Quantity",
    "Units",
    "Donating Country/ Organization",
    "Destination Recipient/ Partner",
]


def write_unrwa(path: Path, rows: list[tuple[str, str, str, float, str]]) -> Path:
    """rows: (date, category, description, quantity, units)."""
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i, (day, cat, desc, qty, unit) in enumerate(rows, start=1):
            w.writerow([f"T{i}", day, "Kerem Shalom", cat, desc, qty, unit, "Donor", "UNRWA"])
    return path


def load(engine: Engine, path: Path) -> None:
    import_file(engine, path, kind="unrwa", rules=load_set("normalisation"))


def write_override(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
