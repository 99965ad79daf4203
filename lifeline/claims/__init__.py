"""Claims: extract the figures a statement asserts and check them against the store's evidence.

Faces call :func:`check_document` (text in, :class:`ClaimsReport` out) and
:func:`lifeline.claims.highlight.highlight_html` to show the text with each claim marked.
"""

from lifeline.claims.check import check_document, check_parsed
from lifeline.claims.report import ClaimResult, ClaimsReport, EvidenceRow

__all__ = ["ClaimResult", "ClaimsReport", "EvidenceRow", "check_document", "check_parsed"]
