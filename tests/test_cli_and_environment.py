"""The command line, the two README commands and the environment files stay in step."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from helpers import tree_digest

from analysis.cli import COMMANDS
from analysis.paths import PROJECT_ROOT


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd or "/", check=False
    )


def test_help_lists_every_command_with_one_line(tmp_path):
    import os

    result = subprocess.run(
        [sys.executable, "-m", "analysis", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "80"},
        check=False,
    )  # any directory
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    for name in COMMANDS:
        index = next(i for i, line in enumerate(lines) if re.match(rf"^\s+{name}\s+\S", line))
        following = lines[index + 1] if index + 1 < len(lines) else ""
        assert not re.match(r"^\s{10,}\S", following), f"{name}: its help takes more than one line"


def test_validate_exits_zero_on_the_data(monkeypatch, capsys):
    from analysis.cli import main

    monkeypatch.chdir("/")  # any directory: the package finds its project from where it is installed
    assert main(["validate"]) == 0, capsys.readouterr().err
    assert "validation passed" in capsys.readouterr().out


def test_validate_exits_non_zero_with_located_messages_on_broken_data(project_copy):
    from analysis.curated import table_path

    path = table_path("targets", project_copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",target,", ",goal,", 1), encoding="utf-8")
    result = run_cli("--root", str(project_copy), "validate")
    assert result.returncode == 1
    assert f"{path.relative_to(project_copy).as_posix()}, line 2, column 'kind'" in result.stderr
    assert "validation failed" in result.stderr


def test_build_writes_report_figures_and_workbook_and_changes_no_curated_csv(built_project):
    root = built_project.root

    def curated(folder):  # the data files, without the workbook and the store's hidden lock and journal
        return {k: v for k, v in tree_digest(folder).items() if not k.endswith(".xlsx") and "/." not in "/" + k}

    source, after = curated(PROJECT_ROOT / "data"), curated(root / "data")
    assert after == source
    assert b"PASSED" in (root / "reports/validation_report.md").read_bytes()
    assert (root / "figures" / "01_corpus_timeline_zh.png").is_file()
    assert list((root / "data" / "curated").glob("*.xlsx"))
    out = built_project.output
    assert re.search(r"\[1/\d+\] validate curated data", out) and "build done" in out
    assert "evidence site" in out and (root / "reports" / "evidence" / "index.html").is_file()
    assert (root / "reports" / "methods_en.pdf").is_file() and (root / "reports" / "methods_zh.md").is_file()


def test_parse_command_prints_exact_values():
    result = run_cli("parse", "21。66億元", "两三所")
    assert "value=2166000000\tvalue_max=\tunit=元" in result.stdout
    assert "value=2\tvalue_max=3\tunit=所" in result.stdout


def _pyproject_ranges() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    return {
        re.split(r"[<>=!~ \[]", s, maxsplit=1)[0].lower(): s[len(re.split(r"[<>=!~ \[]", s, maxsplit=1)[0]) :].replace(
            " ", ""
        )
        for s in specs
    }


def _environment_ranges() -> dict[str, str]:
    ranges = {}
    text = (PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        match = re.match(r"^\s+- ([A-Za-z0-9_.\-]+)([<>=!~][^#\s]*)?\s*$", line)
        if match and match.group(1) not in ("pip", "python"):
            ranges[match.group(1).lower()] = match.group(2) or ""
    return ranges


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject():
    assert _environment_ranges() == _pyproject_ranges()


def test_lock_file_pins_every_declared_package_exactly_with_hashes():
    lock = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([a-z0-9_.\-]+)==(\S+)", lock, re.M))
    for name in _pyproject_ranges():
        assert name in pinned, f"{name} is not pinned in requirements.lock: run scripts/lock.sh"
    assert lock.count("--hash=sha256:") >= len(pinned)


def test_ci_runs_exactly_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    ci = (PROJECT_ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/build.sh" in readme
    assert re.search(r"^bash scripts/test\.sh\s*$", ci, re.M)


def test_package_version_matches_pyproject_and_citation():
    import analysis

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert analysis.__version__ == project["version"]
    assert re.search(rf"^version: \"?{re.escape(project['version'])}\"?$", citation, re.M)
