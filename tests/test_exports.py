"""Stata and R exports: labelled .dta files that read back with their labels, and a codebook for the CSVs."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.cli import main
from analysis.curated import load_tables, read_datapackage, resource
from analysis.exports import write_stata


@pytest.fixture(scope="module")
def stata_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("stata")
    write_stata(out)
    return out


def read_with_labels(path):
    with pd.io.stata.StataReader(path) as reader:
        frame = reader.read()
        return frame, reader.variable_labels(), reader.value_labels(), reader.data_label


def test_a_curated_table_reads_back_with_its_schema_descriptions_as_labels(stata_dir):
    frame, labels, value_labels, data_label = read_with_labels(stata_dir / "curated_targets.dta")
    fields = {f["name"]: f["description"] for f in resource(read_datapackage(), "targets")["schema"]["fields"]}
    assert labels["comparator"] == fields["comparator"] == "How the value binds."
    assert labels["value"] == fields["value"]
    long = [name for name, text in fields.items() if len(text) > 80]
    assert long and all(
        labels[n].endswith("…") and len(labels[n]) <= 80 and fields[n].startswith(labels[n][:-1]) for n in long
    )
    # coded columns come back as their codes, with the value labels intact
    targets = load_tables()["targets"]
    assert frame["kind"].astype(str).tolist() == targets["kind"].tolist()
    assert frame["target_id"].tolist() == targets["target_id"].tolist()
    assert set(value_labels["comparator"].values()) == set(targets["comparator"])
    assert frame["quote"].tolist() == targets["quote"].tolist()  # Unicode survives (Stata 118)
    assert frame["value"].tolist() == pd.to_numeric(targets["value"]).tolist()
    assert data_label


def test_comparison_tables_carry_labels_and_share_basis_codes(stata_dir):
    frame, labels, value_labels, _ = read_with_labels(stata_dir / "theme_text_shares_by_basis.dta")
    assert set(value_labels["share_basis"].values()) == {"primary_only", "primary_plus_secondary"}
    assert "share_basis" in labels["share"] and labels["comparability"].startswith("same, proxy or not_comparable")
    assert frame.groupby(["share_basis", "doc_id"], observed=True)["share"].sum().round(9).eq(1).all()
    frame, labels, value_labels, _ = read_with_labels(stata_dir / "corpus_overview.dta")
    assert value_labels["after_double_reduction"] == {0: "false", 1: "true"}
    assert pd.api.types.is_datetime64_any_dtype(frame["published"])


def test_the_same_data_gives_the_same_bytes(tmp_path, stata_dir):
    again = write_stata(tmp_path)
    assert all(path.read_bytes() == (stata_dir / path.name).read_bytes() for path in again)


def test_the_codebook_reuses_the_data_package_descriptions(tmp_path):
    assert main(["tables", "--out", str(tmp_path / "csv"), "--stata", str(tmp_path / "dta")]) == 0
    codebook = pd.read_csv(tmp_path / "csv" / "codebook.csv", dtype=str, keep_default_na=False)
    tables = {name for name in codebook["table"]}
    assert tables == {p.stem for p in (tmp_path / "csv").glob("*.csv")} - {"codebook"}
    quote = codebook[(codebook["table"] == "quantified_commitments") & (codebook["column"] == "quote_en")].iloc[0]
    descriptor = read_datapackage()
    assert quote["description"] == next(
        f["description"] for f in resource(descriptor, "targets")["schema"]["fields"] if f["name"] == "quote_en"
    )
    assert quote["description_source"] == "datapackage.json"
    kind = codebook[(codebook["table"] == "quantified_commitments") & (codebook["column"] == "measure_kind")].iloc[0]
    assert "=share" in kind["codes"] and "=count" in kind["codes"]
    assert (tmp_path / "dta" / "curated_documents.dta").is_file()
    json.dumps(codebook.to_dict("records"))  # plain data, machine-readable
