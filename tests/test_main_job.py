"""The main job rebuilds what an edit makes out of date, skips the rest, and gives the bytes a full rebuild gives."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import copy_of_built
from helpers import edit_target, tree_digest

from analysis.cli import main
from analysis.curated import load_table, write_tables
from analysis.paths import PROJECT_ROOT
from analysis.pipeline import value_digest

OUTPUTS = ("figures", "reports")


def _outputs(root) -> dict[str, str]:
    digest = {}
    for folder in OUTPUTS:
        digest.update({f"{folder}/{k}": v for k, v in tree_digest(root / folder).items()})
    digest.update(
        {f"data/curated/{p.name}": tree_digest(p.parent)[p.name] for p in (root / "data/curated").glob("*.xlsx")}
    )
    return digest


@pytest.mark.slow
def test_an_edit_rebuilds_only_what_it_touches_and_equals_a_forced_rebuild(built_project, tmp_path, capsys):
    root = copy_of_built(built_project, tmp_path / "project")
    first = _outputs(root)
    assert main(["--root", str(root), "build", "--skip-notebooks"]) == 0
    out = capsys.readouterr().out
    assert "0 step(s) made" in out and "skipped" in out and "figure ×" in out
    assert _outputs(root) == first

    edit_target(root, "notes", " Checked again.")
    assert main(["--root", str(root), "build", "--skip-notebooks"]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out and "figure ×" in out  # the figures that do not draw the edited row are skipped, by name
    incremental = _outputs(root)
    assert incremental != first
    assert main(["--root", str(root), "build", "--skip-notebooks", "--force"]) == 0
    assert "0 up to date" in capsys.readouterr().out
    # Every output a forced rebuild makes again, the figures the edit did not touch among them (the incremental
    # build kept them from the first build), has the bytes of the incremental build.
    assert _outputs(root) == incremental


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
