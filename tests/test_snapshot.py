"""A build reads one state of the data: a change while it reads makes it read again."""

from __future__ import annotations

import shutil

import pytest

from analysis import snapshot
from analysis.paths import PROJECT_ROOT


@pytest.fixture
def project(tmp_path):
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
    return tmp_path


def test_a_table_changed_while_loading_is_read_again(project, monkeypatch):
    from analysis import curated

    real = curated.load_tables
    calls = []

    def load_while_an_import_finishes(root):
        tables = real(root)
        if not calls:  # the first read races an import that rewrites regions.csv
            path = curated.table_path("regions", root)
            path.write_text(path.read_text(encoding="utf-8").replace("新城区", "新城区甲", 1), encoding="utf-8")
        calls.append(1)
        return tables

    monkeypatch.setattr(curated, "load_tables", load_while_an_import_finishes)
    tables, texts = snapshot.load_state(project)
    assert len(calls) == 2
    assert "新城区甲" in set(tables["regions"]["name_zh"])  # the state after the import, read whole
    assert set(texts) == set(tables["documents"]["doc_id"])


def test_data_that_never_settles_gives_a_clear_error(project, monkeypatch):
    from analysis import curated

    real = curated.load_tables

    def always_changing(root):
        path = curated.table_path("regions", root)
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return real(root)

    monkeypatch.setattr(curated, "load_tables", always_changing)
    with pytest.raises(snapshot.DataChangedError, match="changed 3 times while it was read"):
        snapshot.load_state(project, attempts=3)
