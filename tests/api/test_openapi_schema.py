"""Property-based API tests against the published OpenAPI schema (schemathesis): for generated
parameters, no 5xx, and every answer conforms to the schema it documents."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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


# One pytest item per operation, each with its own id ("GET /api/v1/access"): schemathesis' own
# parametrisation gives every operation the same node id, and a scheduler keyed by node id (pytest-xdist
# under `make test`) then ran one operation of the 23 and counted it once.
OPERATIONS = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_api_conforms_to_its_schema(label: str) -> None:
    @given(case=OPERATIONS[label].as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def conforms(case) -> None:  # type: ignore[no-untyped-def]
        # A well-formed request may still be a 4xx the schema documents (e.g. "no COGAT list in the store"):
        # so no "valid data must be accepted" check; every other check (no 5xx, documented status codes,
        # response bodies and content types as documented, invalid data rejected) applies.
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    conforms()


def test_every_operation_is_tested() -> None:
    assert len(OPERATIONS) >= 20, sorted(OPERATIONS)  # the API's documented operations, each an item above
