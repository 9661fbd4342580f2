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


def agreement_report_text(root: Path = PROJECT_ROOT) -> str:
    """Kappa per theme and overall: hand coding vs keyword coding, and hand vs the blind second reading."""
    from analysis.coding import compare_codings, keyword_coding
    from analysis.corpus import load_texts

    tables = load_tables(root)
    clauses, themes = tables["clauses"], tables["themes"]
    theme_ids = list(themes["theme_id"])
    texts = load_texts(tables["documents"], root)
    hand = clauses[["doc_id", "clause_id", "theme_id"]]
    sections = []
    auto = keyword_coding(clauses, texts, themes)[["doc_id", "clause_id", "theme_id"]]
    second = tables["second_reading"][["doc_id", "clause_id", "theme_id"]]
    for title, other in (("Hand coding vs keyword coding (all clauses)", auto),
                         ("Hand coding vs blind second reading (sampled documents, whole)", second)):
        table, differ = compare_codings(hand, other, theme_ids)
        sections += [f"## {title}", "", f"clauses compared: {table.iloc[0]['n_first']}", "",
                     table.to_string(index=False, float_format=lambda v: f"{v:.3f}"), "",
                     f"disagreements: {len(differ)}", differ.to_string(index=False) if len(differ) else "(none)", ""]
    return "\n".join(["# Coding agreement (Cohen's kappa; per theme: theme vs not-theme)", ""] + sections)
