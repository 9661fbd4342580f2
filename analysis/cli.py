"""Command-line interface: ``python -m analysis <command>``.

The only module that prints, exits or chooses output paths.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import __version__
from analysis.paths import PROJECT_ROOT


def _print_problems(problems, stream=None, limit: int = 200) -> None:
    stream = stream or sys.stderr  # looked up at call time, so a redirected stderr gets the problems
    for problem in problems[:limit]:
        print(problem, file=stream)
    if len(problems) > limit:
        print(f"… and {len(problems) - limit} more", file=stream)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check schema, raw-file hashes and provenance; exit 1 on any problem."""
    from analysis.validate import validate_project

    root = Path(args.root)
    problems = validate_project(root)
    if problems:
        _print_problems(problems)
        print(f"validation failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    if args.report:
        from analysis.report import agreement_report_text

        print(agreement_report_text(root))
    print(
        "validation passed: schema, raw-file hashes, quotes at their offsets, values against quotes, clause tiling, closed world"
    )
    return 0


def cmd_uncovered(args: argparse.Namespace) -> int:
    """List numbers in the raw texts that no target or exclusion accounts for (CSV on stdout)."""
    from analysis.corpus import load_texts
    from analysis.curated import load_tables
    from analysis.validate import uncovered_numbers

    root = Path(args.root)
    tables = load_tables(root)
    texts = load_texts(tables["documents"], root)
    frame = uncovered_numbers(tables["documents"], texts, tables["targets"], tables["excluded_numbers"])
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse quantity expressions (e.g. 1.2万套, 两三所) and print value, value_max and unit."""
    from analysis.numbers import NotAQuantityError, format_decimal, parse_quantity

    status = 0
    for expression in args.expressions:
        try:
            q = parse_quantity(expression)
        except NotAQuantityError as error:
            print(f"{expression}\trefused: {error.reason}")
            status = 1
            continue
        qualifier = f"\tqualifier={q.qualifier}" if q.qualifier else ""
        print(
            f"{expression}\tvalue={format_decimal(q.value)}\tvalue_max={format_decimal(q.value_max)}\tunit={q.unit}\tunit_original={q.unit_original}{qualifier}"
        )
    return status


def cmd_extract(args: argparse.Namespace) -> int:
    """Propose the quantified targets of plans (text, PDF or Word; CSV), write a review workbook, or import one."""
    import contextlib

    from analysis.extraction import PlanReadError, ReviewError, import_review, run_extract
    from analysis.extraction.command import atomic_output
    from analysis.extraction.ingest import IngestError

    root = Path(args.root)
    if args.import_path:
        try:
            plan = import_review(Path(args.import_path), root, dry_run=args.dry_run)
        except ReviewError as error:
            _print_problems(error.problems)
            print(f"import refused: {len(error.problems)} problem(s); nothing written", file=sys.stderr)
            return 1
        print("\n".join(plan.summary_lines()))
        print(
            "dry run: nothing written"
            if args.dry_run
            else "imported; `python -m analysis validate` checks the whole project"
        )
        return 0
    if not args.files:
        print(
            "extract: give plans (.txt, .pdf, .docx files or folders of .txt), or --import REVIEW.xlsx", file=sys.stderr
        )
        return 2
    refused = _refused_extract_outputs(args, root)
    if refused:
        print(f"extract: {refused}; nothing written", file=sys.stderr)
        return 2
    try:
        # -o is replaced only when the whole run succeeds; temporary files go on any exit
        with atomic_output(Path(args.output)) if args.output else contextlib.nullcontext(sys.stdout) as output:
            run_extract(
                args.files,
                root,
                output,
                sys.stderr,
                review=Path(args.review) if args.review else None,
                jobs=args.jobs,
                progress=not args.quiet,
            )
    except (PlanReadError, IngestError) as error:
        print(f"extract: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "extract: interrupted; nothing written" + (f" ({args.output} unchanged)" if args.output else ""),
            file=sys.stderr,
        )
        return 130
    return 0


def _draw_figures(root: Path, languages: tuple[str, ...], progress) -> list[Path]:
    import warnings

    from analysis.figures import build_all_figures, figure_characters
    from analysis.fonts import register_fonts
    from analysis.snapshot import DataChangedError, load_state

    try:
        tables, texts = load_state(root)  # one state of the data for every figure of this build
    except DataChangedError as error:
        print(f"figures: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    families = register_fonts(figure_characters(tables), root)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from font")  # an empty box is a failure
        return build_all_figures(tables, texts, root / "figures", families, languages, progress)


def cmd_figures(args: argparse.Namespace) -> int:
    """Draw every report figure (PNG 300 dpi, PDF) in Chinese and English into figures/."""
    root = Path(args.root)
    written = _draw_figures(root, tuple(args.lang), lambda name: print(f"  drew {name}", flush=True))
    print(f"wrote {len(written)} files to {root / 'figures'}")
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Execute every notebook in a fresh kernel; write executed copies and HTML to reports/notebooks/."""
    from analysis.notebooks import run_all

    root = Path(args.root)
    written = run_all(
        root / "notebooks",
        root / "reports" / "notebooks",
        root,
        lambda name: print(f"  running {name}", flush=True),
        root=root,
    )
    print(f"wrote {len(written)} files to {root / 'reports' / 'notebooks'}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """The main job: validate the data, then rebuild every derived output that is out of date."""
    from analysis.main_job import run_main_job

    return run_main_job(Path(args.root), force=args.force, jobs=args.jobs or None, notebooks=not args.skip_notebooks)


def cmd_evidence(args: argparse.Namespace) -> int:
    """Write the evidence site (every number linked to its highlighted quote) to reports/evidence/ or --out."""
    from analysis.curated import CuratedDataError
    from analysis.evidence import build_site, site_root

    root = Path(args.root)
    out = Path(args.out) if args.out else site_root(root)
    try:
        written = build_site(root, out)
    except CuratedDataError as error:
        _print_problems(sorted(error.problems))
        print("evidence site not written: the curated data cannot be read", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as error:  # a raw file missing or not UTF-8
        print(f"evidence site not written: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"evidence site not written: cannot write into {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {out}; open {out / 'index.html'} in a browser (no server needed)")
    return 0


def cmd_methods(args: argparse.Namespace) -> int:
    """Write the methods appendix generated from the data, in Chinese and English (Markdown, HTML, PDF)."""
    from analysis.curated import CuratedDataError
    from analysis.methods import write_methods

    root = Path(args.root)
    out = Path(args.out) if args.out else root / "reports"
    try:
        written = write_methods(out, root, pdf=not args.no_pdf)
    except CuratedDataError as error:
        _print_problems(sorted(error.problems))
        print("methods appendix not written: the curated data cannot be read", file=sys.stderr)
        return 1
    except (FileNotFoundError, RuntimeError, OSError) as error:
        print(f"methods appendix not finished: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files to {out}" + "".join(f"\n  {p.name}" for p in written))
    return 0


def cmd_tables(args: argparse.Namespace) -> int:
    """Write every comparison table (analysis.compare.comparison_tables) as one UTF-8 CSV per table."""
    from analysis.curated import CuratedDataError, load_tables
    from analysis.tables import write_comparison_tables

    root = Path(args.root)
    out = Path(args.out) if args.out else root / "reports" / "tables"
    try:
        tables = load_tables(root)
    except CuratedDataError as error:
        _print_problems(sorted(error.problems))
        print("tables not written: the curated data cannot be read", file=sys.stderr)
        return 1
    try:
        written = write_comparison_tables(tables, out, root)
    except OSError as error:
        print(f"tables not written: cannot write into {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} tables to {out}" + "".join(f"\n  {path.name}" for path in written))
    from analysis.exports import write_codebook

    print(f"  {write_codebook(out, root, tables).name} (every column: type, description, codes)")
    if getattr(args, "stata", None):
        return _write_stata(root, Path(args.stata), tables)
    return 0


def _write_stata(root: Path, out: Path, tables) -> int:
    """``tables --stata DIR``: every comparison and curated table as a labelled Stata 118 file, plus codebook.csv."""
    from analysis.exports import write_stata

    try:
        written = write_stata(out, root, tables)
    except OSError as error:
        print(f"Stata files not written: cannot write into {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written) - 1} Stata files (.dta, version 118) and codebook.csv to {out}")
    return 0


def _refused_extract_outputs(args: argparse.Namespace, root: Path) -> str | None:
    """Why ``-o``/``--review`` may not be written (inside data/, over a foreign file, missing folder), or None."""
    from analysis.outputs import OutputRefused, check_output

    if args.output and args.review and Path(args.output).resolve() == Path(args.review).resolve():
        return "-o and --review name the same file"
    try:
        if args.output:
            check_output(Path(args.output), root, "candidates_csv", force=args.force)
        if args.review:
            check_output(Path(args.review), root, "review_xlsx", force=args.force)
    except OutputRefused as error:
        return str(error)
    return None


def _refused_export_path(args: argparse.Namespace, root: Path) -> str | None:
    from analysis.outputs import OutputRefused, check_output
    from analysis.workbook import default_workbook_path

    path = Path(args.path) if args.path else default_workbook_path(root)
    try:
        check_output(path, root, "workbook_xlsx", force=args.force, allowed=(default_workbook_path(root),))
    except OutputRefused as error:
        return str(error)
    return None


def cmd_workbook(args: argparse.Namespace) -> int:
    """Export the curated workbook, or import an edited one: validate, report changes, then rewrite the CSVs."""
    from analysis.workbook import WorkbookError, apply_import, export_workbook, plan_import

    root = Path(args.root)
    if args.workbook_action == "export":
        refused = _refused_export_path(args, root)
        if refused:
            print(f"export refused: {refused}; nothing written", file=sys.stderr)
            return 2
        try:
            print(f"wrote {export_workbook(root, Path(args.path) if args.path else None)}")
        except WorkbookError as error:
            print(f"export refused: {error}", file=sys.stderr)
            return 1
        return 0
    try:
        plan = plan_import(Path(args.path), root)
    except WorkbookError as error:
        print(f"import refused: {error}", file=sys.stderr)
        return 1
    print("\n".join(plan.summary_lines()))
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if plan.problems:
        _print_problems(plan.problems)
        print(f"import refused: {len(plan.problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    try:
        written = apply_import(plan, root)
    except WorkbookError as error:
        print(f"import refused: {error}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} file(s)" + "".join(f"\n  {path}" for path in written))
    return 0


def cmd_coding(args: argparse.Namespace) -> int:
    """Blind coding workbooks (export, import) and the agreement reports."""
    root = Path(args.root)
    if args.coding_action == "export":
        from analysis.coding_workbook import export_coding_workbook

        try:
            path = export_coding_workbook(Path(args.path), args.coder, root, args.sample, args.seed, args.stratify)
        except ValueError as error:
            print(f"coding export: {error}", file=sys.stderr)
            return 2
        print(f"wrote {path} (blind: no existing codes)")
        return 0
    if args.coding_action == "import":
        from analysis.coding_workbook import CodingImportError, import_coding_workbook

        try:
            plan = import_coding_workbook(Path(args.path), root, coder_kind=args.coder_kind, dry_run=args.dry_run)
        except CodingImportError as error:
            _print_problems(error.problems)
            print(f"import refused: {len(error.problems)} problem(s); nothing written", file=sys.stderr)
            return 1
        for warning in plan.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print("\n".join(plan.summary_lines()))
        print(
            "dry run: nothing written"
            if args.dry_run
            else "stored in readings.csv and reading_codes.csv; "
            "`python -m analysis coding agreement` reports the agreement"
        )
        return 0
    if args.coding_action == "adjudicate":
        from analysis.adjudication import AdjudicationError, adjudicate

        try:
            reading, codes = adjudicate(
                Path(args.path), args.by, root, tuple(args.pair) if args.pair else None, dry_run=args.dry_run
            )
        except AdjudicationError as error:
            _print_problems(error.problems)
            print(f"adjudication refused: {len(error.problems)} problem(s); nothing written", file=sys.stderr)
            return 1
        print(f"reading {reading['reading_id']} ({reading['notes']} {len(codes)} codes)")
        print("dry run: nothing written" if args.dry_run else "stored in readings.csv and reading_codes.csv")
        return 0
    from analysis.report import write_agreement_reports

    for path in write_agreement_reports(root):
        print(f"wrote {path}")
    return 0


def add_coding_parser(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="coding_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write a blind coding workbook for a second coder")
    export.add_argument("path", help="the .xlsx to write")
    export.add_argument("--coder", required=True, help="the coder's name or initials")
    export.add_argument("--sample", type=int, help="code only this many clauses (default: all)")
    export.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    export.add_argument("--stratify", choices=["doc"], help="sample each document in proportion to its clauses")
    load = actions.add_parser("import", help="check a filled coding workbook and store it as a reading")
    load.add_argument("path", help="the filled .xlsx")
    load.add_argument(
        "--coder-kind",
        default="person",
        choices=["person", "ai_model_session", "automatic"],
        help="who coded (default: person)",
    )
    load.add_argument("--dry-run", action="store_true", help="only check; write nothing")
    actions.add_parser("agreement", help="write reports/coding_agreement.md and .csv, and the disagreement sheet")
    settle = actions.add_parser("adjudicate", help="store a filled disagreement sheet as an adjudicated reading")
    settle.add_argument("path", help="reports/coding_disagreements.xlsx (or .csv) with decision and how filled")
    settle.add_argument("--by", required=True, help="who adjudicated")
    settle.add_argument(
        "--pair", nargs=2, metavar=("READING_A", "READING_B"), help="which pair (if the sheet decides several)"
    )
    settle.add_argument("--dry-run", action="store_true", help="only check; write nothing")


def cmd_qda(args: argparse.Namespace) -> int:
    """REFI-QDA exchange: export the corpus, codebook and a reading; import codings made in a QDA tool."""
    from analysis.qda import QdaError, export_qda, import_qda

    root = Path(args.root)
    if args.qda_action == "export":
        if not args.path and not args.codebook:
            print("qda export: give OUT.qdpx, --codebook OUT.qdc, or both", file=sys.stderr)
            return 2
        try:
            written = export_qda(
                root,
                Path(args.path) if args.path else None,
                Path(args.codebook) if args.codebook else None,
                args.reading,
            )
        except QdaError as error:
            _print_problems(error.problems)
            return 1
        for path in written:
            print(f"wrote {path}")
        return 0
    try:
        plan = import_qda(
            Path(args.path), args.coder, root, blind=args.blind, dry_run=args.dry_run, coder_kind=args.coder_kind
        )
    except QdaError as error:
        _print_problems(error.problems)
        print(f"import refused: {len(error.problems)} problem(s); nothing written", file=sys.stderr)
        return 1
    print("\n".join(plan.summary_lines()))
    print("dry run: nothing written" if args.dry_run else "stored in readings.csv and reading_codes.csv")
    return 0


def add_qda_parser(command: argparse.ArgumentParser) -> None:
    actions = command.add_subparsers(dest="qda_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write a REFI-QDA project (.qdpx) and/or codebook (.qdc)")
    export.add_argument("path", nargs="?", help="the .qdpx to write (corpus, codebook, the reading's codings)")
    export.add_argument("--codebook", metavar="QDC", help="also (or only) write the codebook as .qdc")
    export.add_argument("--reading", help="which reading's codings (default: the curated reading)")
    load = actions.add_parser("import", help="read codings made in a QDA tool back as a reading")
    load.add_argument("path", help="the .qdpx")
    load.add_argument("--coder", required=True, help="who coded in the QDA tool")
    load.add_argument("--blind", action="store_true", help="the coder did not see other readings' codes")
    load.add_argument(
        "--coder-kind",
        default="person",
        choices=["person", "ai_model_session", "automatic"],
        help="who coded (default: person)",
    )
    load.add_argument("--dry-run", action="store_true", help="only check; write nothing")


def cmd_migrate_layout(args: argparse.Namespace) -> int:
    """Move flat curated tables into one folder per region (idempotent; values unchanged)."""
    from analysis.migrate import describe_layout, migrate_layout

    done = migrate_layout(Path(args.root), keep_top=tuple(args.keep_top or ()))
    print("\n".join(done) if done else "data/curated is already one folder per region: nothing to do")
    print("\n".join(describe_layout(Path(args.root))))
    return 0


COMMANDS = {
    "validate": (cmd_validate, "check schema, raw hashes, every quote, offset and value"),
    "build": (cmd_build, "main job: validate, then rebuild every output"),
    "figures": (cmd_figures, "draw every figure (zh, en; PNG and PDF) into figures/"),
    "notebooks": (cmd_notebooks, "run the notebooks; executed copies + HTML in reports/"),
    "uncovered": (cmd_uncovered, "list raw-text numbers not yet curated or excluded"),
    "parse": (cmd_parse, "parse Chinese quantities (1.2万套, 两三所) exactly"),
    "methods": (cmd_methods, "methods appendix from the data (zh, en; md, html, pdf)"),
    "tables": (cmd_tables, "write every comparison table as CSV (default reports/tables/)"),
    "evidence": (cmd_evidence, "write the evidence site: every number linked to its quote"),
    "workbook": (cmd_workbook, "export the Excel workbook, or import an edited one"),
    "extract": (cmd_extract, "propose targets in new plans; review and import them"),
    "coding": (cmd_coding, "blind coding workbooks, agreement, adjudication"),
    "qda": (cmd_qda, "exchange codings with QDA tools (REFI-QDA)"),
    "migrate": (cmd_migrate_layout, "move curated tables into one folder per region (idempotent)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Cross-region comparative analysis of Chinese local education plans.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--root", default=str(PROJECT_ROOT), help="project root (default: this checkout)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name, (handler, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        if name == "evidence":
            command.add_argument("--out", help="folder to write the site into (default reports/evidence/)")
        if name == "validate":
            command.add_argument(
                "--report", action="store_true", help="also print the coding-agreement report (kappa per theme)"
            )
        if name == "figures":
            command.add_argument(
                "--lang", nargs="+", choices=["zh", "en"], default=["zh", "en"], help="label languages"
            )
        if name == "build":
            command.add_argument("--skip-notebooks", action="store_true", help="leave the notebooks out (faster)")
            command.add_argument("--force", action="store_true", help="rebuild every output, even those up to date")
            command.add_argument("--jobs", type=int, default=0, help="processes for the steps (default: all cores)")
        if name == "methods":
            command.add_argument("--out", metavar="DIR", help="folder for the appendix (default reports/)")
            command.add_argument("--no-pdf", action="store_true", help="Markdown and HTML only (no Chromium needed)")
        if name == "tables":
            command.add_argument("--out", metavar="DIR", help="folder for the CSV files (default reports/tables/)")
            command.add_argument(
                "--stata",
                metavar="DIR",
                help="also write every comparison and curated table as labelled .dta (Stata 118) with codebook.csv here",
            )
        if name == "parse":
            command.add_argument("expressions", nargs="+", help="e.g. 1.2万套 21.66亿元 两三所")
        if name == "extract":
            command.add_argument(
                "files",
                nargs="*",
                help="plans: text (UTF-8, UTF-8 with BOM or GBK), .pdf or .docx (converted into data/raw/ first), or folders of .txt files",
            )
            command.add_argument("-o", "--output", help="write the candidates CSV here (default: standard output)")
            command.add_argument("--review", metavar="XLSX", help="also write a review workbook (accept column) here")
            command.add_argument(
                "--import", dest="import_path", metavar="XLSX", help="import a reviewed workbook into data/curated"
            )
            command.add_argument(
                "--dry-run", action="store_true", help="with --import: check and report, write nothing"
            )
            command.add_argument("--jobs", type=int, default=0, help="processes for several files (default: all cores)")
            command.add_argument("--quiet", action="store_true", help="no progress bar")
            command.add_argument(
                "--force",
                action="store_true",
                help="write -o/--review even inside data/ or over a file this command did not write",
            )
        if name == "migrate":
            command.add_argument(
                "--keep-top",
                action="append",
                metavar="TABLE",
                help="keep this table at the top of data/curated although it has a doc_id column (repeatable)",
            )
        if name == "coding":
            add_coding_parser(command)
        if name == "qda":
            add_qda_parser(command)
        if name == "workbook":
            actions = command.add_subparsers(dest="workbook_action", metavar="ACTION", required=True)
            export = actions.add_parser(
                "export", help="write the workbook (default data/curated/edu_plans_curated.xlsx)"
            )
            export.add_argument("path", nargs="?", help="where to write the .xlsx")
            export.add_argument(
                "--force",
                action="store_true",
                help="write even inside data/ or over a file that is not an exported workbook",
            )
            load = actions.add_parser(
                "import", help="validate an edited workbook, report the changes, rewrite the CSVs"
            )
            load.add_argument("path", help="the edited .xlsx")
            load.add_argument("--dry-run", action="store_true", help="only report what would change; write nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return _run_reporting_data_errors(args)


def _run_reporting_data_errors(args: argparse.Namespace) -> int:
    """Run a command; curated data that cannot be read or written is a message naming the file, not a traceback."""
    from analysis.curated import CuratedDataError

    try:
        return args.handler(args)
    except CuratedDataError as error:
        _print_problems(error.problems)
        print(f"{args.command}: stopped, {len(error.problems)} problem(s) with data/curated", file=sys.stderr)
        return 1
