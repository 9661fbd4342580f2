"""A notebook runs again only when what it shows changed, and a run gives the same bytes as a fresh one."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import LABEL_EDIT
from helpers import edit_target

from analysis import figures
from analysis.curated import load_table, write_tables
from analysis.notebook_view import FigurePlanner, notebook_view
from analysis.notebooks import NotebookError, execute_notebook, run_one
from analysis.paths import NOTEBOOKS_DIR

ROTATION, KINDERGARTEN = "02-teacher-rotation.ipynb", "03-kindergarten-coverage.ipynb"


def _notebook(folder: Path, *sources: str) -> Path:
    path = folder / "99-made-up.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]), path)
    return path


def _views(root: Path) -> dict[str, str | None]:
    planner = FigurePlanner(figures)
    return {name: notebook_view(NOTEBOOKS_DIR / name, root, planner) for name in (ROTATION, KINDERGARTEN)}


def test_a_notes_edit_changes_no_view_and_a_shown_label_changes_only_the_notebook_that_shows_it(project_copy):
    before = _views(project_copy)
    assert all(before.values()), "the numbered notebooks are thin enough to be worked out without a kernel"
    edit_target(project_copy, "notes", " Checked again.")
    assert _views(project_copy) == before
    edit_target(project_copy, "indicator_zh", "(核)")  # the kindergarten notebook lists this label
    after = _views(project_copy)
    assert after[ROTATION] == before[ROTATION]
    assert after[KINDERGARTEN] != before[KINDERGARTEN]


def test_a_view_reads_the_project_it_is_given_and_counts_printed_text_and_display(project_copy, tmp_path):
    path = _notebook(
        tmp_path,
        "from analysis.curated import load_tables\nfrom IPython.display import display",
        "print(load_tables()['regions'].iloc[0].to_dict())",
        "display(load_tables()['documents'].shape)",
    )
    first = notebook_view(path, project_copy)
    assert first is not None
    regions = load_table("regions", project_copy)
    regions.loc[0, "name_en"] = regions.loc[0, "name_en"] + " (edited in the copy)"
    write_tables({"regions": regions}, project_copy)
    assert notebook_view(path, project_copy) not in (None, first)  # the copy's data, not this checkout's


def test_a_view_that_cannot_be_told_without_a_kernel_is_none(project_copy, tmp_path):
    cases = {
        "pyplot": "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nNone",
        "figure": "from matplotlib.figure import Figure\nFigure()",
        "failing cell": "1 / 0",
        "magic": "%matplotlib inline",
    }
    for name, source in cases.items():
        assert notebook_view(_notebook(tmp_path, source), project_copy) is None, name


def test_a_kernel_reads_the_project_it_is_given_and_stores_no_memory_address(project_copy, tmp_path):
    regions = load_table("regions", project_copy)
    regions.loc[0, "name_zh"] = "只在副本中"
    write_tables({"regions": regions}, project_copy)
    path = _notebook(
        tmp_path, "from analysis.curated import load_tables\ntables = load_tables()", "tables['regions'].style"
    )
    executed = nbformat.writes(execute_notebook(path, tmp_path, root=project_copy))
    assert "只在副本中" in executed
    assert " at 0x" not in executed and "pandas.io.formats.style.Styler" in executed
    # Without a project, a kernel started in another folder (as JupyterLab's is) reads this checkout's data.
    executed = nbformat.writes(execute_notebook(path, tmp_path))
    assert load_table("regions").loc[0, "name_zh"] in executed and "只在副本中" not in executed


@pytest.mark.slow
@pytest.mark.xdist_group("edited_project")  # one worker runs the edit loop and reads it twice
def test_the_main_job_reruns_only_the_notebook_an_edit_shows_and_its_bytes_are_a_fresh_run(edited_project, tmp_path):
    root, made = edited_project.root, edited_project.root / "reports" / "notebooks"
    assert edited_project.notebooks_rerun == sorted([KINDERGARTEN, KINDERGARTEN.replace(".ipynb", ".html")])
    assert LABEL_EDIT in (made / KINDERGARTEN).read_text(encoding="utf-8")
    skipped = next(p for p in sorted((root / "notebooks").glob("*.ipynb")) if p.name != KINDERGARTEN)
    fresh = tmp_path / "fresh"
    run_one(skipped, fresh, root, root=root)  # a notebook the build skipped after the edit, run afresh on it
    for path in sorted(fresh.iterdir()):
        assert path.read_bytes() == (made / path.name).read_bytes(), path.name


def test_a_failing_cell_is_a_message_naming_the_notebook_cell_and_error(project_copy, tmp_path):
    path = _notebook(tmp_path, "from analysis.curated import load_tables", "load_tables()['no_such_table']")
    with pytest.raises(NotebookError) as raised:
        execute_notebook(path, tmp_path, root=project_copy)
    message = str(raised.value)
    assert message.startswith("99-made-up.ipynb, code cell 2 (`load_tables()['no_such_table']`): KeyError:")
    assert "\x1b[" not in message and "Traceback" not in message
