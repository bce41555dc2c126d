"""The README is tested like code: every command it shows exists and answers --help."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted({(m[1], m[2]) for m in re.finditer(r"^\.venv/bin/python -m (etl|kpi) ([a-z-]+)", README, re.M)})


def test_readme_shows_the_two_commands_and_ci_runs_the_test_one():
    assert "bin/run" in README and "bin/test" in README
    assert "bash bin/test" in (ROOT / ".ci" / "run").read_text()


def test_readme_lists_the_cli_contract():
    assert {("etl", "load"), ("etl", "sample"), ("etl", "history"), ("etl", "undo"), ("kpi", "summary"),
            ("kpi", "report"), ("kpi", "pack"), ("kpi", "users")} <= set(COMMANDS)


@pytest.mark.parametrize("module, command", COMMANDS)
def test_every_readme_command_answers_help(module, command):
    result = subprocess.run([sys.executable, "-m", module, command, "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert command in result.stdout or "usage" in result.stdout.lower()
