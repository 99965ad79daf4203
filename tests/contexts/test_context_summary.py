"""What `context init` and `context show` say a new context lacks, in a store that already holds Gaza
(unseen round 6, findings 15 and 16): every command they suggest works as given, and "nothing missing"
is never said while rows are flagged or an area has no delivery."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.contexts.conftest import EXAMPLE, Ran

# A fourth district served only by an airstrip that no delivery row names.
EXTRA_PLACES = (
    "XZ04,district,Far Zarqa,الزرقاء البعيدة,XZ,,,,,test place\n"
    "far-strip,crossing,Far Strip,المهبط البعيد,XZ04,land,XZ04,15.0,30.0,test place\n"
)
EXTRA_POPULATION = "XZ04,2025-03-01,5000,test figure\n"


@pytest.fixture
def gaza_store(tmp_path: Path) -> Iterator[Engine]:
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    engine = open_store(f"sqlite:///{tmp_path / 'lifeline.db'}")
    load_all(engine)
    yield engine
    engine.dispose()


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "zarqa"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "1-places.csv").open("a", encoding="utf-8") as f:
        f.write(EXTRA_PLACES)
    with (folder / "2-population.csv").open("a", encoding="utf-8") as f:
        f.write(EXTRA_POPULATION)
    return folder


def test_init_suggests_flags_commands_that_work_beside_gaza(
    gaza_store: Engine, lifeline: Callable[..., Ran], tmp_path: Path
) -> None:
    ran = lifeline(gaza_store, "context", "init", str(_folder(tmp_path)))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    summary = " ".join(ran.stdout[ran.stdout.index("context XZ"):].split())
    suggested = sorted(set(re.findall(r"`(lifeline flags [^`]+)`", summary)))
    assert suggested, summary
    for command in suggested:
        assert "--context XZ" in command, command
        again = lifeline(gaza_store, *shlex.split(command)[1:])
        assert again.returncode == 0, (command, again.stderr)
    assert "XZ04" in summary and "nothing missing" not in summary


def test_show_names_flagged_rows_and_the_area_no_delivery_reaches(
    gaza_store: Engine, lifeline: Callable[..., Ran], tmp_path: Path
) -> None:
    assert lifeline(gaza_store, "context", "init", str(_folder(tmp_path))).returncode == 0
    ran = lifeline(gaza_store, "context", "show", "XZ", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    notes = json.loads(ran.stdout)["notes"]
    assert "nothing missing" not in notes
    reach = [n for n in notes if "no recorded delivery reaches" in n]
    assert len(reach) == 1 and reach[0].endswith(": XZ04"), notes
    flagged = [n for n in notes if "kept with flags" in n]
    # every example delivery row lacks #item+type, so each is flagged category-from-commodity: 30 + 2 × 19
    assert flagged == [f"missing: {30 + 2 * 19} delivery rows kept with flags (see `lifeline flags --context XZ`)"]
    assert lifeline(gaza_store, "flags", "--context", "XZ").returncode == 0
