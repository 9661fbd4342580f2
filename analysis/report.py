"""Text reports built from the curated data: the validation report (deterministic Markdown)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.curated import Problem, load_tables, write_text_atomic
from analysis.paths import PROJECT_ROOT


def validation_report_text(problems: list[Problem], root: Path = PROJECT_ROOT) -> str:
    """Markdown: the verdict, what was checked, table sizes and raw-file fingerprints, every problem."""
    lines = [f"# Validation report (analysis {__version__})", ""]
    lines.append(f"**{'PASSED' if not problems else 'FAILED'}**: {len(problems)} problem(s).")
    lines += [
        "",
        "Checked: Table Schemas of data/curated/datapackage.json (types, required, enums, keys),",
        "raw files against their sha256, each quote at its offsets in its raw file, each value against the",
        "number its quote states, clause tiling of every body, commitment coverage, and the closed world",
        "(every number in every raw text is a curated quantity or an explained exclusion).",
        "",
    ]
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


def _fmt(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"


def agreement_markdown(agreement: pd.DataFrame, readings: pd.DataFrame, disagreement_count: dict) -> str:
    """The coding-agreement report: for each pair of readings, alpha and kappa with intervals, per theme."""
    from analysis.agreement import RELIABLE, TENTATIVE, verdict
    from analysis.coding import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED

    described = readings.set_index("reading_id")
    lines = [
        "# Coding agreement",
        "",
        "Krippendorff's alpha (nominal for themes and component presence, ordinal for commitment levels) and",
        "Cohen's kappa, each with a 95% percentile bootstrap interval over units "
        f"({BOOTSTRAP_RESAMPLES} resamples, seed {BOOTSTRAP_SEED}).",
        f"Thresholds (Krippendorff): alpha >= {RELIABLE:.3f} reliable, >= {TENTATIVE:.3f} tentative, below that not",
        "reliable. Per theme: that theme against all others, with the share of units each reading gives it",
        "(prevalence; kappa and alpha are unstable when a theme is rare). Units: clauses for themes, document x",
        "theme for commitment levels, document x component for components.",
        "",
        "## Readings",
        "",
        "| reading | coder | kind | blind | codebook | scope |",
        "|---|---|---|---|---|---|",
    ]
    for row in readings.itertuples():
        curated = " (curated)" if row.is_curated == "true" else ""
        lines.append(
            f"| {row.reading_id}{curated} | {row.coder} | {row.coder_kind} | {row.blind} | {row.codebook_version} | {row.scope} |"
        )
    lines += [
        "",
        "The curated reading and the blind second reading were made by sessions of the same language model,",
        "not by human coders; their agreement is an upper bound on what two human coders would reach.",
        "",
    ]
    for (first, second), pair in agreement.groupby(["reading_a", "reading_b"], sort=False):
        lines += [
            f"## {first} vs {second}",
            "",
            f"{described.loc[first, 'label_en']} against {described.loc[second, 'label_en']}.",
            "",
        ]
        lines += [
            "| scope | n | prevalence a | prevalence b | alpha [95% CI] | alpha verdict | kappa [95% CI] | agreement |",
            "|---|---:|---:|---:|---|---|---|---:|",
        ]
        for scope, rows in pair.groupby("scope", sort=False):
            by = rows.set_index("measure")
            alpha, kappa = by.loc["alpha"], by.loc["kappa"]
            prevalence = [(_fmt(by.loc[m, "value"]) if m in by.index else "") for m in ("prevalence_a", "prevalence_b")]
            lines.append(
                f"| {scope} | {int(alpha['n_units'])} | {prevalence[0]} | {prevalence[1]} | "
                f"{_fmt(alpha['value'])} [{_fmt(alpha['ci_low'])}, {_fmt(alpha['ci_high'])}] | "
                f"{verdict(alpha['value'])} | {_fmt(kappa['value'])} [{_fmt(kappa['ci_low'])}, "
                f"{_fmt(kappa['ci_high'])}] | {_fmt(by.loc['agreement', 'value'])} |"
            )
        lines += [
            "",
            f"Units coded differently: {disagreement_count.get((first, second), 0)} "
            "(listed in reports/coding_disagreements.csv for adjudication).",
            "",
        ]
    return "\n".join(lines)


def agreement_outputs(root: Path = PROJECT_ROOT) -> tuple[str, str, str, bytes]:
    """(Markdown report, agreement CSV, disagreements CSV, disagreements .xlsx) computed from the curated data."""
    from analysis.adjudication import disagreement_workbook_bytes
    from analysis.corpus import load_texts
    from analysis.curated import frame_to_csv_text
    from analysis.readings import agreement_table, all_readings, disagreements

    tables = load_tables(root)
    texts = load_texts(tables["documents"], root)
    codes = all_readings(tables, texts)
    agreement = agreement_table(tables, texts, codes)
    differ = disagreements(tables, texts, codes)
    counts = differ.groupby(["reading_a", "reading_b"]).size().to_dict()
    csv_frame = agreement.copy()
    for column in ("value", "ci_low", "ci_high"):
        csv_frame[column] = [("" if v != v else f"{v:.4f}") for v in csv_frame[column]]
    from analysis.readings import curated_reading_id, reading_description

    curated = curated_reading_id(tables["readings"])
    shown = [
        "",
        "## What the figures and comparisons show",
        "",
        reading_description(curated, "en", root, tables, agreement),
        "",
        reading_description(curated, "zh", root, tables, agreement),
        "",
    ]
    markdown = agreement_markdown(agreement, tables["readings"], counts) + "\n".join(shown) + "\n"
    return (markdown, frame_to_csv_text(csv_frame), frame_to_csv_text(differ), disagreement_workbook_bytes(differ))


def agreement_report_text(root: Path = PROJECT_ROOT) -> str:
    """The Markdown coding-agreement report (see :func:`agreement_markdown`)."""
    return agreement_outputs(root)[0]


def write_agreement_reports(root: Path = PROJECT_ROOT) -> list[Path]:
    """Write reports/coding_agreement.md and .csv, and the disagreement sheet coding_disagreements.csv and .xlsx."""
    from analysis.workbook import _write_bytes_atomic

    names = ("coding_agreement.md", "coding_agreement.csv", "coding_disagreements.csv", "coding_disagreements.xlsx")
    written = []
    for name, content in zip(names, agreement_outputs(root)):
        path = root / "reports" / name
        if isinstance(content, bytes):
            _write_bytes_atomic(path, content)
        else:
            write_text_atomic(path, content)
        written.append(path)
    return written
