"""The main job rebuilds what an edit makes out of date, skips the rest, and gives the bytes a full rebuild gives."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from analysis.cli import main
from analysis.curated import load_table, write_tables
from analysis.paths import PROJECT_ROOT
from analysis.pipeline import value_digest


def _skipped(output: str, kind: str) -> int:
    """How many steps of a kind (``figure``, ``notebook``) a run of the main job says it skipped."""
    total = 0
    for names in re.findall(r"skipped \d+ up-to-date step\(s\): (.*)", output):
        for name in names.split(", "):
            if name.split(" ×")[0] == kind:
                total += int(name.split(" ×")[1]) if " ×" in name else 1
    return total


@pytest.mark.slow
@pytest.mark.xdist_group("edited_project")  # one worker runs the edit loop and reads it twice
def test_an_edit_rebuilds_only_what_it_touches_and_equals_a_forced_rebuild(edited_project):
    run = edited_project
    assert "0 step(s) made" in run.unchanged_output, run.unchanged_output
    figures = _skipped(run.unchanged_output, "figure")
    assert figures > 1 and _skipped(run.unchanged_output, "notebook") > 1
    assert run.unchanged == run.built

    # No figure draws the edited notes or label: every figure is skipped, the tables, workbook, methods, evidence
    # site and the one notebook that lists the label are made again.
    assert _skipped(run.edited_output, "figure") == figures, run.edited_output
    assert _skipped(run.edited_output, "notebook") == _skipped(run.unchanged_output, "notebook") - 1
    assert run.edited != run.built
    assert "0 up to date" in run.forced_output
    # Every output a forced rebuild makes again, the figures the edit did not touch among them (the incremental
    # build kept them from the first build), has the bytes of the incremental build.
    assert run.forced == run.edited


def test_a_figure_digest_follows_every_value_its_drawing_closes_over():
    frame = pd.DataFrame({"value": [1.0, 2.0]})

    def draw(labels, frame=frame):
        return frame

    first = value_digest(lambda: draw(None) if frame is not None else None)
    frame.loc[0, "value"] = 3.0
    assert value_digest(lambda: draw(None) if frame is not None else None) != first
    assert value_digest(pd.DataFrame({"v": [1]})) == value_digest(pd.DataFrame({"v": [1]}))


def test_a_build_on_data_that_does_not_validate_stops_and_names_the_problem(tmp_path, capsys):
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
    targets = load_table("targets", tmp_path)
    targets.loc[0, "theme_id"] = "space_programme"
    write_tables({"targets": targets}, tmp_path)
    assert main(["--root", str(tmp_path), "build", "--skip-notebooks"]) == 1
    captured = capsys.readouterr()
    assert "space_programme" in captured.err and "build stopped" in captured.err
    assert not (tmp_path / "figures").exists()
