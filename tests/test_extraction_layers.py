"""The extraction subpackage has no import circle: each module imports only the modules before it."""

from __future__ import annotations

import ast
from pathlib import Path

import analysis.extraction

ORDER = ["conventions", "finding", "files", "ingest", "proposals", "review", "command"]


def imported_siblings(path: Path) -> set[str]:
    """Modules of analysis.extraction that a module imports, at the top or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("analysis.extraction."):
            names.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            names.update(a.name.split(".")[2] for a in node.names if a.name.startswith("analysis.extraction."))
    return names


def test_each_extraction_module_imports_only_earlier_ones():
    folder = Path(analysis.extraction.__file__).parent
    modules = sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    assert sorted(ORDER) == modules  # a new module takes its place in the order
    for index, name in enumerate(ORDER):
        later = imported_siblings(folder / f"{name}.py") - set(ORDER[:index])
        assert not later, f"analysis.extraction.{name} imports {sorted(later)}, which come after it"


def test_the_old_modules_are_gone_and_nothing_outside_imports_them():
    root = Path(analysis.extraction.__file__).parents[2]
    assert not (root / "analysis" / "extract.py").exists() and not (root / "analysis" / "review.py").exists()
    for path in [*root.glob("analysis/**/*.py"), *root.glob("tests/*.py"), *root.glob("benchmarks/*.py")]:
        if path.name == "extract_benchmark.py":
            continue  # it falls back to analysis.extract only to score the code before the subpackage
        text = path.read_text(encoding="utf-8")
        old = ["from analysis." + name + " import" for name in ("extract", "review")]
        assert not any(o in text for o in old), path
