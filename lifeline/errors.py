"""One family of errors for a user's mistake (bad file, bad option), kept apart from bugs.

Faces turn a :class:`UserError` into one plain line (CLI, exit status 2) or a 4xx JSON body (API);
anything else is a bug and may show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UserError(Exception):
    """A problem the user can fix: names the file, row and column where they apply."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        return {"error": self.message, "file": self.file, "row": self.row, "column": self.column}


class BadFile(UserError):
    """The file cannot be read as the kind it claims to be."""


class NotFound(UserError):
    """A named thing (dataset, assumption set, location) does not exist."""
