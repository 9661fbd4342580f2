"""Text reports built from the curated data: the validation report (deterministic Markdown)."""
from __future__ import annotations

from pathlib import Path

from analysis import __version__
from analysis.curated import Problem, load_tables, write_text_atomic
from analysis.paths import PROJECT_ROOT


def validation_report_text(problems: list[Problem], root: Path = PROJECT_ROOT) -> str:
    """Markdown: the verdict, what was checked, table sizes and raw-file fingerprints, every problem."""
    lines = [f"# Validation report (analysis {__version__})", ""]
    lines.append(f"**{'PASSED' if not problems else 'FAILED'}**: {len(problems)} problem(s).")
    lines += ["", "Checked: Table Schemas of data/curated/datapackage.json (types, required, enums, keys),",
              "raw files against their sha256, each quote at its offsets in its raw file, each value against the",
              "number its quote states, clause tiling of every body, commitment coverage, and the closed world",
              "(every number in every raw text is a curated quantity or an explained exclusion).", ""]
    try:
        tables = load_tables(root)
    except Exception:  # the problems below say why the tables could not be read
        tables = {}
    if tables:
        lines += ["## Tables", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {name} | {len(frame)} |" for name, frame in tables.items()]
        lines += ["", "## Raw files", "", "| doc_id | raw_file | sha256 |", "|---|---|---|"]
        lines += [f"| {r.doc_id} | data/raw/{r.raw_file} | `{r.sha256}` |" for r in tables["documents"].itertuples()]
        lines.append("")
    if problems:
        lines += ["## Problems", ""] + [f"- {p}" for p in problems] + [""]
    return "\n".join(lines)


def write_validation_report(problems: list[Problem], root: Path = PROJECT_ROOT) -> Path:
    """Write ``reports/validation_report.md`` atomically and return its path."""
    path = root / "reports" / "validation_report.md"
    write_text_atomic(path, validation_report_text(problems, root))
    return path
