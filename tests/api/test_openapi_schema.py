"""Property-based API tests against the published OpenAPI schema (schemathesis): for generated
parameters, no 5xx, and every answer conforms to the schema it documents."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from lifeline.store.engine import open_store
from tests.web.helpers import serve

pytestmark = pytest.mark.slow

# Bounded so the whole API is exercised in seconds: a handful of examples per operation.
EXAMPLES_PER_OPERATION = 8


def _app():  # type: ignore[no-untyped-def]
    """An app over a throwaway SQLite store with a small line list (schemathesis needs it at collection)."""
    folder = Path(tempfile.mkdtemp(prefix="lifeline-schema-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return serve(open_store(f"sqlite:///{folder / 'lifeline.db'}"), folder).app


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_schema(case) -> None:  # type: ignore[no-untyped-def]
    # A well-formed request may still be a 4xx the schema documents (e.g. "no COGAT list in the store"):
    # so no "valid data must be accepted" check; every other check (no 5xx, documented status codes,
    # response bodies and content types as documented, invalid data rejected) applies.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
