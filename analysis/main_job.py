"""The main job, step by step: what each output is made from, so that only what is out of date is rebuilt.

Validation runs first and stops the job on any problem. The other steps then run on every core
(:mod:`analysis.pipeline`), each skipped when the digest of what it is made from is the one of its last
successful run and its outputs exist:

- a figure: the values it plots and every other value its drawing closes over, its labels and colours,
  the font and the package's code; an edit that changes no plotted value redraws nothing;
- a notebook: the notebook, the code and what its cells show (worked out without a kernel, so an edit
  no notebook shows runs none; :mod:`analysis.notebook_view`);
- comparison tables, workbook, evidence site, agreement reports: the curated data and the code.

Every step draws from one state of the data, read once (:func:`analysis.snapshot.load_state`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from analysis.pipeline import Step, code_digest, data_digest, digest_of, run_steps, value_digest


def figure_steps(root: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str], code: str) -> list[Step]:
    """One step per figure: both languages as PNG and PDF, and its data CSV."""
    import warnings

    from analysis.figures import (
        TEXT,
        figure_characters,
        figure_specs,
        make_labels,
        region_colours,
        save_figure,
        save_figure_data,
    )
    from analysis.fonts import register_fonts

    out_dir = root / "figures"
    families = register_fonts(figure_characters(tables), root)
    font = digest_of(*[str(f) for f in families])
    colours = region_colours(tables)
    labels = {lang: make_labels(tables, lang) for lang in TEXT}
    steps = []
    for spec in figure_specs(tables, texts):

        def make(spec=spec) -> None:
            save_figure_data(spec, out_dir, tables, root)
            with warnings.catch_warnings():
                warnings.filterwarnings("error", message=r"Glyph .* missing from font")  # an empty box is a failure
                for lang, label in labels.items():
                    save_figure(spec.draw(label, colours, families), out_dir / f"{spec.stem}_{lang}")

        outputs = [out_dir / f"{spec.stem}.csv"] + [
            out_dir / f"{spec.stem}_{lang}.{fmt}" for lang in labels for fmt in ("png", "pdf")
        ]
        from analysis.evidence_links import anchor_index

        made_from = digest_of(
            code,
            font,
            value_digest(spec.data),
            value_digest(spec.draw),
            value_digest(labels),
            value_digest(colours),
            value_digest(anchor_index(tables)),
        )
        steps.append(Step(f"figure:{spec.stem}", tuple(outputs), made_from, make))
    readme = out_dir / "README.md"

    def write_readme() -> None:
        from analysis.figures import _remove_stale, figures_readme, remove_leftover_temporaries, write_bytes_atomic

        specs = figure_specs(tables, texts)
        write_bytes_atomic(readme, figures_readme(specs).encode("utf-8"))
        remove_leftover_temporaries(out_dir)
        _remove_stale(out_dir, [p for step in steps for p in step.outputs] + [readme])

    steps.append(
        Step(
            "figure:README",
            (readme,),
            digest_of(code, *[s.name for s in steps]),
            write_readme,
            after=tuple(s.name for s in steps),
        )
    )
    return steps


NOTEBOOK_VIEWS = Path("build") / "notebook-views.json"


def known_views(root: Path, paths: list[Path], made_from: dict[str, str]) -> tuple[dict[str, str | None], list[Path]]:
    """The views ``build/`` holds for these digests, and the notebooks whose view it does not hold."""
    import json

    try:
        known = json.loads((root / NOTEBOOK_VIEWS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    views, changed = {}, []
    for path in paths:
        entry = known.get(path.name, {})
        if entry.get("made_from") == made_from[path.name]:
            views[path.name] = entry.get("view")
        else:
            changed.append(path)
    return views, changed


def notebook_views(root: Path, paths: list[Path], made_from: dict[str, str]) -> dict[str, str | None]:
    """What each notebook shows (:func:`analysis.notebook_view.notebook_view`), worked out again only for a
    notebook whose data, code or source changed since it was last worked out (kept in ``build/``)."""
    import json

    from analysis.atomic import write_bytes_atomic

    views, changed = known_views(root, paths, made_from)
    if changed:
        from analysis import figures
        from analysis.notebook_view import FigurePlanner, notebook_view

        started = time.perf_counter()
        planner = FigurePlanner(figures)
        for path in changed:
            views[path.name] = notebook_view(path, root, planner)
        print(
            f"  worked out what {len(changed)} notebook(s) show in {time.perf_counter() - started:.1f} s "
            "(a notebook runs only when that changed)",
            flush=True,
        )
        entries = {name: {"made_from": made_from[name], "view": views[name]} for name in sorted(views)}
        record = root / NOTEBOOK_VIEWS
        record.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(record, (json.dumps(entries, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return views


def notebooks_made_from(root: Path, code: str, data: str) -> tuple[list[Path], dict[str, str]]:
    """The numbered notebooks and, for each, the digest of its source, the code and all the curated data."""
    from analysis.notebooks import notebook_paths

    paths = notebook_paths(root / "notebooks")
    return paths, {path.name: digest_of(code, data, path) for path in paths}


def work_out_views_ahead(root: Path):
    """Start working out what the notebooks show in a forked process, beside validation; join it before the
    notebook steps are made (they then find every view in ``build/``). None where fork is not available."""
    import multiprocessing

    paths, made_from = notebooks_made_from(root, code_digest(), data_digest(root))
    if "fork" not in multiprocessing.get_all_start_methods() or not known_views(root, paths, made_from)[1]:
        return None  # no fork, or every view already known

    def work() -> None:
        notebook_views(root, paths, made_from)

    process = multiprocessing.get_context("fork").Process(target=work, name="notebook views", daemon=True)
    process.start()
    return process


def notebook_steps(root: Path, data: str, code: str) -> list[Step]:
    """One step per notebook: executed copy and HTML rendering in reports/notebooks/.

    A notebook is made from its source, the code and what its cells show; when what they show cannot be
    worked out without a kernel, from its source, the code and all the curated data."""
    from analysis.notebooks import run_one

    out_dir = root / "reports" / "notebooks"
    paths, made_from = notebooks_made_from(root, code, data)
    views = notebook_views(root, paths, made_from)
    steps = []
    for path in paths:
        view = views[path.name]
        steps.append(
            Step(
                f"notebook:{path.stem}",
                (out_dir / path.name, out_dir / path.with_suffix(".html").name),
                digest_of(code, path, "view", view) if view is not None else made_from[path.name],
                lambda path=path: run_one(path, out_dir, root, root=root),
            )
        )
    return steps


def main_job_steps(
    root: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str], *, notebooks: bool = True
) -> list[Step]:
    """Every step of the main job after validation, in the order they are listed to the user."""
    from analysis.evidence import build_site, site_root
    from analysis.exports import write_codebook
    from analysis.methods import write_methods
    from analysis.report import write_agreement_reports
    from analysis.tables import write_comparison_tables
    from analysis.workbook import default_workbook_path, export_workbook

    code, data = code_digest(), data_digest(root)
    made_from = digest_of(code, data)
    reports = root / "reports"
    steps = [
        Step(
            "agreement",
            tuple(
                reports / n
                for n in (
                    "coding_agreement.md",
                    "coding_agreement.csv",
                    "coding_disagreements.csv",
                    "coding_disagreements.xlsx",
                )
            ),
            made_from,
            lambda: write_agreement_reports(root),
        ),
        Step(
            "tables",
            (reports / "tables", reports / "tables" / "codebook.csv"),
            made_from,
            lambda: (
                write_comparison_tables(tables, reports / "tables", root),
                write_codebook(reports / "tables", root, tables),
            ),
        ),
        Step("workbook", (default_workbook_path(root),), made_from, lambda: export_workbook(root)),
    ]
    steps.append(
        Step(
            "methods",
            tuple(reports / f"methods_{lang}.{ext}" for lang in ("zh", "en") for ext in ("md", "html", "pdf")),
            made_from,
            lambda: write_methods(reports, root),
        )
    )
    figures = figure_steps(root, tables, texts, code)
    steps += figures
    steps.append(
        Step(
            "evidence",
            (site_root(root) / "index.html",),
            digest_of(made_from, *[s.digest for s in figures]),
            lambda: build_site(root, tables=tables),
            after=tuple(s.name for s in figures),
        )
    )
    if notebooks:
        steps += notebook_steps(root, data, code)
    return steps


def run_main_job(root: Path, *, force: bool = False, jobs: int | None = None, notebooks: bool = True) -> int:
    """Validate, then rebuild what is out of date; 0 on success, 1 when the data does not validate or a step fails."""
    from analysis.report import write_validation_report
    from analysis.snapshot import DataChangedError, load_state
    from analysis.validate import validate_project

    started = time.perf_counter()
    print("[1/2] validate curated data …", flush=True)

    def validate() -> None:
        problems = validate_project(root)
        write_validation_report(problems, root)
        if problems:
            for problem in problems[:200]:
                print(problem, file=sys.stderr)
            raise ValueError(f"{len(problems)} validation problem(s); see reports/validation_report.md")

    check = Step(
        "validate", (root / "reports" / "validation_report.md",), digest_of(code_digest(), data_digest(root)), validate
    )
    ahead = work_out_views_ahead(root) if notebooks else None
    try:
        if run_steps([check], root, force=force, jobs=1) != 0:
            print("build stopped: the curated data does not validate", file=sys.stderr)
            return 1
        try:
            tables, texts = load_state(root)  # one state of the data for every step of this build
        except DataChangedError as error:
            print(f"build stopped: {error}", file=sys.stderr)
            return 1
    finally:
        if ahead is not None:  # what it did not finish, the notebook steps work out themselves
            ahead.join()
    steps = main_job_steps(root, tables, texts, notebooks=notebooks)
    print(
        f"[2/2] {len(steps)} outputs: comparison tables, workbook, methods appendix, figures (zh, en), evidence site"
        + (", notebooks" if notebooks else "")
        + " …",
        flush=True,
    )
    status = run_steps(steps, root, force=force, jobs=jobs)
    seconds = time.perf_counter() - started
    if status != 0:
        print(f"build failed after {seconds:.1f} s: see the failed step(s) above", file=sys.stderr)
        return 1
    print(
        f"build done in {seconds:.1f} s: reports/, figures/, data/curated/*.xlsx, reports/evidence/, reports/notebooks/"
    )
    return 0
