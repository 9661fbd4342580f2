"""The habits of the codebase, enforced: ruff's lint and format, and the package's layers as import-linter contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from analysis.paths import PROJECT_ROOT

BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_finds_nothing_to_lint():
    result = _run(str(BIN / "ruff"), "check", "analysis", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_formatted_as_ruff_formats_it():
    result = _run(str(BIN / "ruff"), "format", "--check", "analysis", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layers_hold_and_no_module_imports_another_in_a_circle():
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
