"""One folder per region: the migration keeps every value, the package reads one table per entity, and
validation names the region's file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import tree_digest

from analysis import store
from analysis.cli import main
from analysis.curated import (
    frame_to_csv_text,
    load_tables,
    read_datapackage,
    table_path,
    table_paths,
    write_tables,
)
from analysis.migrate import migrate_layout
from analysis.validate import validate_project

PER_REGION = {"clauses", "targets", "commitments", "excluded_numbers", "reading_codes", "document_components"}


def flatten(root: Path, extra_column: bool = False, extra_table: bool = False) -> dict[str, pd.DataFrame]:
    """Turn a project copy into the flat layout of before the migration (one CSV per table at the top);
    optionally with a column and a table other work added since. Returns the logical tables."""
    curated = root / "data" / "curated"
    tables = load_tables(root)
    descriptor = read_datapackage(root)
    for item in descriptor["resources"]:
        if store.is_per_region(item):
            item["path"] = Path(item["path"][0]).name
    if extra_column:
        tables["targets"] = tables["targets"].assign(reviewed_by=[f"r{i}" for i in range(len(tables["targets"]))])
        store._resource(descriptor, "targets")["schema"]["fields"].append(
            {"name": "reviewed_by", "type": "string", "description": "added by other work"}
        )
    if extra_table:
        tables["doc_readers"] = pd.DataFrame(
            {"doc_id": tables["documents"]["doc_id"], "reader": "first_reader"}, dtype=object
        )
        descriptor["resources"].append(
            {
                "name": "doc_readers",
                "path": "doc_readers.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": "doc_id", "type": "string"}, {"name": "reader", "type": "string"}],
                    "primaryKey": ["doc_id", "reader"],
                    "foreignKeys": [{"fields": "doc_id", "reference": {"resource": "documents", "fields": "doc_id"}}],
                },
            }
        )
    if (curated / "regions").exists():
        import shutil

        shutil.rmtree(curated / "regions")
    for item in descriptor["resources"]:
        (curated / item["path"]).write_text(frame_to_csv_text(tables[item["name"]]), encoding="utf-8")
    (curated / "datapackage.json").write_text(store.descriptor_text(descriptor), encoding="utf-8")
    return tables


@pytest.fixture
def region_copy(project_copy) -> Path:
    """A project copy in the per-region layout (migrated here when the checkout is still flat)."""
    migrate_layout(project_copy)
    return project_copy


@pytest.fixture
def flat_copy(project_copy) -> tuple[Path, dict[str, pd.DataFrame]]:
    return project_copy, flatten(project_copy)


def test_migration_moves_every_row_without_changing_a_value_or_the_row_order(flat_copy):
    root, before = flat_copy
    assert all(isinstance(i["path"], str) for i in read_datapackage(root)["resources"])
    done = migrate_layout(root)
    assert done
    after = load_tables(root)
    assert list(after) == list(before)
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], check_dtype=False)
    descriptor = read_datapackage(root)
    split = {i["name"] for i in descriptor["resources"] if store.is_per_region(i)}
    assert split == PER_REGION
    regions = list(after["regions"]["region_id"])
    for item in descriptor["resources"]:
        if item["name"] in split:  # every region has its own file of the table, each with the header
            assert item["path"] == [f"regions/{r}/{item['name']}.csv" for r in regions]
            assert not (root / "data" / "curated" / f"{item['name']}.csv").exists()
    assert validate_project(root) == []


def test_migration_is_idempotent_and_carries_columns_and_tables_added_meanwhile(project_copy):
    before = flatten(project_copy, extra_column=True, extra_table=True)
    migrate_layout(project_copy)
    digest = tree_digest(project_copy / "data")
    assert migrate_layout(project_copy) == []  # second run: nothing to do, no byte changed
    assert tree_digest(project_copy / "data") == digest
    after = load_tables(project_copy)
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], check_dtype=False)
    assert "reviewed_by" in pd.read_csv(table_path("targets", project_copy, region="anning_kunming"), dtype=str).columns
    assert store.is_per_region(store._resource(read_datapackage(project_copy), "doc_readers"))


def test_migrate_layout_command_keeps_a_named_table_at_the_top(project_copy):
    flatten(project_copy)
    assert main(["--root", str(project_copy), "migrate", "--keep-top", "reading_codes"]) == 0
    descriptor = read_datapackage(project_copy)
    assert store._resource(descriptor, "reading_codes")["path"] == "reading_codes.csv"
    assert store.is_per_region(store._resource(descriptor, "targets"))


def test_each_region_file_opens_alone_with_the_header_of_the_table(region_copy):
    for name in PER_REGION:
        files = table_paths(name, region_copy)
        headers = {path.read_text(encoding="utf-8").split("\n", 1)[0] for path in files}
        assert len(files) == len(load_tables(region_copy)["regions"]) and len(headers) == 1
        frames = [pd.read_csv(path, dtype=str, keep_default_na=False) for path in files]
        assert sum(len(f) for f in frames) == len(load_tables(region_copy)[name])


def test_two_edits_in_two_regions_touch_no_common_file(region_copy):
    tables = load_tables(region_copy)
    documents = tables["documents"].set_index("doc_id")
    targets = tables["targets"]
    first = targets.index[targets["doc_id"].map(documents["region_id"]) == "hailing_taizhou"][0]
    second = targets.index[targets["doc_id"].map(documents["region_id"]) == "anning_kunming"][0]
    touched = []
    for index in (first, second):
        before = tree_digest(region_copy / "data")
        edited = load_tables(region_copy)["targets"]
        edited.loc[index, "notes"] = "checked again"
        write_tables({"targets": edited}, region_copy)
        after = tree_digest(region_copy / "data")
        touched.append({k for k in after if after[k] != before.get(k)})
    assert touched[0] == {"curated/regions/hailing_taizhou/targets.csv"}
    assert touched[1] == {"curated/regions/anning_kunming/targets.csv"}


def test_a_new_region_gets_its_folder_and_its_files_listed_in_datapackage(region_copy):
    tables = load_tables(region_copy)
    region = tables["regions"].iloc[[0]].assign(region_id="new_county")
    document = tables["documents"].iloc[[0]].assign(doc_id="new_2025_wp", region_id="new_county")
    excluded = tables["excluded_numbers"].iloc[[0]].assign(doc_id="new_2025_wp")
    write_tables(
        {
            "regions": pd.concat([tables["regions"], region], ignore_index=True),
            "documents": pd.concat([tables["documents"], document], ignore_index=True),
            "excluded_numbers": pd.concat([tables["excluded_numbers"], excluded], ignore_index=True),
        },
        region_copy,
    )
    folder = region_copy / "data" / "curated" / "regions" / "new_county"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in PER_REGION)
    assert len(pd.read_csv(folder / "excluded_numbers.csv", dtype=str)) == 1
    assert len(pd.read_csv(folder / "targets.csv", dtype=str)) == 0
    descriptor = read_datapackage(region_copy)
    assert "regions/new_county/targets.csv" in store._resource(descriptor, "targets")["path"]
    assert load_tables(region_copy)["excluded_numbers"]["doc_id"].tolist().count("new_2025_wp") == 1


def test_a_row_whose_document_is_unknown_is_refused_and_nothing_is_written(region_copy):
    targets = load_tables(region_copy)["targets"]
    targets.loc[3, "doc_id"] = "no_such_doc"
    before = tree_digest(region_copy / "data")
    with pytest.raises(store.CuratedWriteError, match="targets.csv, line 5, column 'doc_id'.*no_such_doc"):
        write_tables({"targets": targets}, region_copy)
    assert tree_digest(region_copy / "data") == before


def test_frictionless_validates_the_per_region_package_with_foreign_keys(region_copy):
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "frictionless"),
            "validate",
            "--json",
            str(region_copy / "data/curated/datapackage.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    assert report["valid"], result.stdout[:2000]
    path = table_path("targets", region_copy, region="hailing_taizhou")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = lines[2].replace(",target,", ",target,", 1).replace(lines[2].split(",")[3], "no_such_theme", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = [str(p) for p in validate_project(region_copy)]
    assert any(
        p.startswith("data/curated/regions/hailing_taizhou/targets.csv, line 3, column 'theme_id'")
        and "no_such_theme" in p
        for p in problems
    ), problems


def test_validation_names_the_region_file_and_line_of_a_provenance_problem(region_copy):
    path = table_path("targets", region_copy, region="anning_kunming")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[4, "value"] = "12345"
    path.write_text(frame_to_csv_text(frame), encoding="utf-8")
    problems = [str(p) for p in validate_project(region_copy)]
    assert any(
        p.startswith("data/curated/regions/anning_kunming/targets.csv, line 6, column 'value'") for p in problems
    ), problems


def test_a_row_in_the_wrong_region_folder_a_differing_header_and_an_unlisted_file_are_reported(region_copy):
    curated = region_copy / "data" / "curated"
    hailing = table_path("excluded_numbers", region_copy, region="hailing_taizhou")
    anning = table_path("excluded_numbers", region_copy, region="anning_kunming")
    moved = hailing.read_text(encoding="utf-8").split("\n")[1]
    anning.write_text(anning.read_text(encoding="utf-8") + moved + "\n", encoding="utf-8")
    (curated / "regions" / "anning_kunming" / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    problems = [str(p) for p in validate_project(region_copy)]
    line = len(anning.read_text(encoding="utf-8").split("\n")) - 1
    assert any(
        p.startswith(f"data/curated/regions/anning_kunming/excluded_numbers.csv, line {line}, column 'doc_id'")
        and "belongs to region hailing_taizhou" in p
        for p in problems
    ), problems
    assert any(p.startswith("data/curated/regions/anning_kunming/notes.csv") and "not listed" in p for p in problems)
    clauses = table_path("clauses", region_copy, region="xinhuang_huaihua")
    text = clauses.read_text(encoding="utf-8").split("\n", 1)
    header = text[0].split(",")
    clauses.write_text(",".join([header[1], header[0], *header[2:]]) + "\n" + text[1], encoding="utf-8")
    problems = [str(p) for p in validate_project(region_copy)]
    assert any(
        p.startswith("data/curated/regions/xinhuang_huaihua/clauses.csv, line 1") and "header differs" in p
        for p in problems
    ), problems


def test_a_flat_file_beside_region_files_is_reported_and_the_migration_says_what_to_do(region_copy):
    flat = region_copy / "data" / "curated" / "targets.csv"
    flat.write_text(table_path("targets", region_copy).read_text(encoding="utf-8"), encoding="utf-8")
    problems = [str(p) for p in validate_project(region_copy)]
    assert any(p.startswith("data/curated/targets.csv") and "not listed in datapackage.json" in p for p in problems)
    before = tree_digest(region_copy / "data")
    with pytest.raises(store.CuratedDataError, match="restore its resource's flat path"):
        migrate_layout(region_copy)
    assert tree_digest(region_copy / "data") == before
