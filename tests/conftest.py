"""Shared fixtures: the real data in ../shared/data, and a fresh store on SQLite and on PostgreSQL."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text

from lifeline.store.engine import open_store

ROOT = Path(__file__).resolve().parents[1]
# Rejections files of the CLI's imports go to one folder of this test session, never the user's data directory.
_REJECTIONS = tempfile.mkdtemp(prefix="lifeline-test-rejections-")
os.environ["LIFELINE_REJECTIONS_DIR"] = _REJECTIONS
atexit.register(shutil.rmtree, _REJECTIONS, True)
SHARED_DATA = ROOT.parent / "shared" / "data"

# Hypothesis profiles (docs/performance.md, "Test suite"): property tests that take their example count from
# the profile (no `max_examples` of their own) run DEFAULT_EXAMPLES cases under `make test`, and
# FUZZ_EXAMPLES under `make fuzz` (`--hypothesis-profile=lifeline-fuzz`, which also selects them: they are
# marked `property` below). What each case checks is the same in both tiers. No deadline: the shared
# 2-core machine's load, not the code, decides how long one case takes.
DEFAULT_EXAMPLES = 25
FUZZ_EXAMPLES = 500
settings.register_profile("lifeline", max_examples=DEFAULT_EXAMPLES, deadline=None)
settings.register_profile("lifeline-fuzz", max_examples=FUZZ_EXAMPLES, deadline=None)
settings.load_profile("lifeline")  # `--hypothesis-profile` (hypothesis' pytest plugin) overrides it
PG_ENV = "LIFELINE_TEST_PG"


def shared_file(name: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real data file ../shared/data/{name} is absent on this machine")
    return path


@pytest.fixture
def shared() -> type:
    class Shared:
        file = staticmethod(shared_file)
        folder = SHARED_DATA

    return Shared


_session_db: dict[str, str] = {}


def _admin_engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")


def postgres_url() -> str:
    """A database of this test session's own on the server `make test` starts.

    Each pytest process gets its own database, so parallel runs never see each other's rows.
    Under CI the server's absence is a failure, elsewhere a skip.
    """
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: run the suite with `make test`, which starts PostgreSQL")
        pytest.skip(f"{PG_ENV} is not set (run `make test` to start a local PostgreSQL server)")
    if base not in _session_db:
        name = f"lifeline_test_{os.getpid()}"
        admin = _admin_engine(base)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        atexit.register(_drop_database, base, name)
        _session_db[base] = base.rsplit("/", 1)[0] + "/" + name
    return _session_db[base]


def _drop_database(base: str, name: str) -> None:
    admin = _admin_engine(base)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = _admin_engine(url)
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated store on each backend."""
    if request.param == "sqlite":
        engine = open_store(f"sqlite:///{tmp_path / 'lifeline.db'}")
    else:
        url = postgres_url()
        _reset_postgres(url)
        engine = open_store(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'lifeline.db'}")
    yield engine
    engine.dispose()


# Test modules that share a package-scoped fixture (tests/web/live.py: the served demo store and Chromium):
# one scheduling unit under `-n N --dist loadscope`, so the fixture is built once, not once per worker.
_ONE_UNIT = {f"tests/web/{name}.py": "tests/web::live"
             for name in ("test_browser", "test_browser_layout", "test_phone_tables")}


# The longest scheduling units, longest first, from the durations run of the default suite (two workers,
# docs/performance.md "Test suite"): they are handed out before every other unit (which go by number of
# tests, xdist's order), so no long unit starts last while the other worker has nothing left to do.
LONG_UNITS: tuple[str, ...] = (
    "tests/cli/test_readme.py",  # the README walk-through and `make demo` (3 tests: xdist put it last)
    "tests/claims::heldout",
    "tests/report/test_sitrep_pages.py",
    "tests/faces/test_one_answer.py",
    "tests/web::live",
    "tests/ingest/test_fuzz.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under ``--dist loadscope`` a module is one unit (its module-scoped fixture is built once), the
    modules of :data:`_ONE_UNIT` share one unit, and the units of :data:`LONG_UNITS` go first."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            if module.startswith("tests/claims/heldout"):  # one demo store for every held-out set
                return "tests/claims::heldout"
            return _ONE_UNIT.get(module, module)

        def _assign_work_unit(self, node: object) -> None:
            if not getattr(self, "_long_first", False):  # once, on the first assignment: the queue is full
                self._long_first = True
                for scope in reversed(LONG_UNITS):
                    if scope in self.workqueue:
                        self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every hypothesis test `property` (`make fuzz` runs them again with the fuzz profile), and refuse
    two tests with one node id: the two-worker scheduler keys its work by node id, so it would run one of
    them and drop the others without a word (schemathesis' own parametrisation once did that)."""
    from collections import Counter

    from hypothesis import is_hypothesis_test

    for item in items:
        if is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.property)

    twice = sorted(nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1)
    if twice:
        raise pytest.UsageError(f"tests share a node id (give each its own id): {twice[:5]}")
