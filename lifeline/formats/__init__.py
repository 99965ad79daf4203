"""One result shape for every question (:class:`ResultTable`) and the shared CSV / JSON / HXL writers."""

from lifeline.formats.table import Column, ResultTable
from lifeline.formats.writers import FORMATS, render

__all__ = ["Column", "ResultTable", "FORMATS", "render"]
