"""Start-up cost: the store is opened without importing Alembic when its schema is current, and
the migration heads read from the files agree with Alembic's own reading."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lifeline.store.engine import alembic_config, declared_heads
from tests.cli.helpers import ROOT


def test_declared_heads_are_alembics_heads() -> None:
    from alembic.script import ScriptDirectory

    assert declared_heads() == frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def test_a_current_store_opens_without_importing_alembic_and_a_new_one_is_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    code = (
        "import sys\nfrom lifeline.store.engine import open_store\n"
        f"engine = open_store({url!r})\n"
        "print('ALEMBIC', 'alembic' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert first.returncode == 0, first.stderr
    assert "ALEMBIC True" in first.stdout  # a new store: the migrations ran
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert second.returncode == 0, second.stderr
    assert "ALEMBIC False" in second.stdout


def test_a_table_command_does_not_import_rich(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom lifeline.cli.app import run\n"
        f"sys.argv = ['lifeline', '--db', {str(tmp_path / 's.db')!r}, 'datasets']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('RICH', any(m == 'rich' or m.startswith('rich.') for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "RICH False" in out.stdout
