"""The lazy command table of ``lifeline.cli.app`` agrees with what the command modules register,
and ``lifeline --help`` lists every command without importing any command module."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from lifeline.cli.app import COMMANDS, app, load_all
from tests.cli.helpers import ROOT


def test_every_registered_command_is_in_the_table_with_its_own_help() -> None:
    group = load_all()
    real = {name: cmd for name, cmd in group.commands.items() if type(cmd).__name__ != "_Pending"}
    assert set(real) == set(COMMANDS), "add new commands to COMMANDS in lifeline/cli/app.py (and drop old ones)"
    for name, (module, help_line) in COMMANDS.items():
        cmd = real[name]
        first_line = (cmd.help or "").strip().splitlines()[0]
        assert first_line == help_line, f"COMMANDS[{name!r}] help differs from the command's own first help line"
        callback_modules = {cmd.callback.__module__} if cmd.callback and not hasattr(cmd, "commands") else set()
        for sub in getattr(cmd, "commands", {}).values():
            callback_modules.add(sub.callback.__module__)
        assert module in callback_modules, f"{name!r} is defined in {callback_modules}, not {module}"


def test_help_lists_every_command_and_imports_none_of_their_modules() -> None:
    code = (
        "import sys\nfrom lifeline.cli.app import run\nsys.argv = ['lifeline', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('lifeline.cli.', 'lifeline.model', 'sqlalchemy', "
        "'polars', 'numpy')) and m not in ('lifeline.cli.app',))\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"COLUMNS": "200", "PATH": ""}, timeout=60)
    assert out.returncode == 0, out.stderr
    for name in COMMANDS:
        assert f" {name} " in out.stdout
    assert "LOADED []" in out.stdout


def test_a_mistyped_command_is_one_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(app, ["delivries"])
    assert result.exit_code == 2
    assert "deliveries" in result.output
