"""Command-line interface: ``python -m analysis <command>``.

The only module that prints, exits or chooses output paths.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from analysis import __version__
from analysis.paths import PROJECT_ROOT


def _print_problems(problems, stream=sys.stderr, limit: int = 200) -> None:
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
    print("validation passed: schema, raw-file hashes, quotes at their offsets, values against quotes, clause tiling, closed world")
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
        print(f"{expression}\tvalue={format_decimal(q.value)}\tvalue_max={format_decimal(q.value_max)}\tunit={q.unit}\tunit_original={q.unit_original}")
    return status


def cmd_build(args: argparse.Namespace) -> int:
    """The main job: validate the data, then regenerate every derived output."""
    from analysis.report import write_validation_report
    from analysis.validate import validate_project

    root = Path(args.root)
    steps_started = time.perf_counter()
    print("[1/2] validating curated data …", flush=True)
    problems = validate_project(root)
    print("[2/2] writing reports/validation_report.md …", flush=True)
    write_validation_report(problems, root)
    if problems:
        _print_problems(problems)
        print(f"build stopped: {len(problems)} validation problem(s); see reports/validation_report.md", file=sys.stderr)
        return 1
    print(f"build done in {time.perf_counter() - steps_started:.1f} s")
    return 0


COMMANDS = {
    "validate": (cmd_validate, "check schema, raw-file hashes and every quote, offset and value (exit 1 on problems)"),
    "build": (cmd_build, "main job: validate, then regenerate every derived output (reports/)"),
    "uncovered": (cmd_uncovered, "list numbers in the raw texts not yet curated or excluded (CSV)"),
    "parse": (cmd_parse, "parse Chinese quantity expressions into exact numbers"),
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
        if name == "validate":
            command.add_argument("--report", action="store_true", help="also print the coding-agreement report (kappa per theme)")
        if name == "parse":
            command.add_argument("expressions", nargs="+", help="e.g. 1.2万套 21.66亿元 两三所")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return args.handler(args)
