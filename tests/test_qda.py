"""REFI-QDA exchange: schema-valid exports, positions that cut the clause out of the stored text, round trip."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import xmlschema
from helpers import tree_digest
from lxml import etree

from analysis.cli import main
from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.paths import PROJECT_ROOT
from analysis.qda import PROJECT_NS, guid
from analysis.readings import reading_codes

SCHEMAS = PROJECT_ROOT / "schemas" / "refi-qda"
NS = {"q": PROJECT_NS}


@pytest.fixture
def exported(project_copy):
    path, codebook = project_copy / "corpus.qdpx", project_copy / "codebook.qdc"
    assert main(["--root", str(project_copy), "qda", "export", str(path), "--codebook", str(codebook)]) == 0
    return project_copy, path, codebook


def _project(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_exports_validate_against_the_refi_qda_schemas_and_are_byte_identical_each_time(exported):
    root, path, codebook = exported
    files = _project(path)
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(io.BytesIO(files["project.qde"]))
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(str(codebook))
    again = root / "again.qdpx"
    assert main(["--root", str(root), "qda", "export", str(again)]) == 0
    assert again.read_bytes() == path.read_bytes()


def test_every_selection_cuts_its_clause_or_quote_out_of_the_stored_source(exported):
    root, path, _ = exported
    tables = load_tables(root)
    texts = load_texts(tables["documents"], root)
    files = _project(path)
    tree = etree.fromstring(files["project.qde"])
    clauses = tables["clauses"].set_index(["doc_id", "clause_id"])
    quotes = tables["document_components"].set_index(["doc_id", "component"])
    raw = {r.doc_id: (root / "data" / "raw" / r.raw_file).read_bytes() for r in tables["documents"].itertuples()}
    checked = 0
    for source in tree.iterfind(".//q:TextSource", NS):
        doc_id = source.get("name")
        assert source.get("guid") == guid("document", doc_id)
        stored = files["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        assert stored == raw[doc_id]  # the same bytes as the raw file: UTF-8, no BOM, LF
        text = stored.decode("utf-8")
        variables = {
            v.find("q:VariableRef", NS).get("targetGUID"): v[1].text for v in source.iterfind("q:VariableValue", NS)
        }
        assert variables[guid("variable", "region")] and variables[guid("variable", "period")]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            kind, unit = selection.get("name").split(" ", 1)
            if kind == "clause":
                row = clauses.loc[(doc_id, unit)]
                assert (start, end) == (int(row["char_start"]), int(row["char_end"]))
                assert text[start:end] == texts[doc_id][int(row["char_start"]) : int(row["char_end"])]
            else:
                assert text[start:end] == quotes.loc[(doc_id, unit), "quote"]
            checked += 1
    assert checked == len(tables["clauses"]) + (tables["document_components"]["present"] == "true").sum()


def test_a_round_trip_through_qda_import_reproduces_the_curated_reading(exported, capsys):
    root, path, _ = exported
    assert main(["--root", str(root), "qda", "import", str(path), "--coder", "Round Trip"]) == 0
    tables = load_tables(root)
    texts = load_texts(tables["documents"], root)
    columns = ["doc_id", "unit_id", "variable", "value"]
    original = reading_codes(tables, "curated", texts)[columns]
    back = reading_codes(tables, "qda_round_trip", texts)[columns]
    key = columns[:3]
    assert back.sort_values(key).reset_index(drop=True).equals(original.sort_values(key).reset_index(drop=True))
    assert tables["readings"].set_index("reading_id").loc["qda_round_trip", "blind"] == "false"


def test_codes_are_mapped_by_name_when_a_tool_issued_new_guids_and_renamed_the_project_file(exported):
    root, path, _ = exported
    files = _project(path)
    qde = files.pop("project.qde").decode("utf-8")
    tree = etree.fromstring(qde.encode("utf-8"))
    renamed = {}
    for code in tree.iterfind(".//q:Code", NS):
        new = guid("another-tool", code.get("guid"))
        renamed[code.get("guid")] = new
        code.set("guid", new)
    for ref in tree.iterfind(".//q:CodeRef", NS):
        ref.set("targetGUID", renamed[ref.get("targetGUID")])
    files["My project.qde"] = etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    _rewrite(path, files)
    assert main(["--root", str(root), "qda", "import", str(path), "--coder", "Atlas User"]) == 0
    tables = load_tables(root)
    texts = load_texts(tables["documents"], root)
    back = reading_codes(tables, "qda_atlas_user", texts)
    assert len(back[back["variable"] == "primary_theme"]) == len(tables["clauses"])


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda text: "\ufeff" + text, "byte-order mark (BOM)"),
        (lambda text: text.replace("\n", "\r\n"), "CRLF line ends"),
        (lambda text: text[:100] + "X" + text[100:], "differs from the stored text from code point 100"),
    ],
)
def test_a_source_whose_text_is_not_the_stored_text_is_refused_and_nothing_is_written(
    exported, capsys, damage, message
):
    root, path, _ = exported
    files = _project(path)
    name = next(n for n in files if n.startswith("sources/"))
    files[name] = damage(files[name].decode("utf-8")).encode("utf-8")
    _rewrite(path, files)
    before = tree_digest(root / "data")
    assert main(["--root", str(root), "qda", "import", str(path), "--coder", "X"]) == 1
    err = capsys.readouterr().err
    assert message in err and "positions" in err and "nothing written" in err and "Traceback" not in err
    assert tree_digest(root / "data") == before


def test_positions_off_the_text_or_across_clauses_and_unknown_codes_are_refused(exported, capsys):
    root, path, _ = exported
    files = _project(path)
    qde = files["project.qde"].decode("utf-8")
    selections = re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', qde)
    (s0, e0), (s1, e1) = selections[0], selections[1]
    qde = qde.replace(f'startPosition="{s0}" endPosition="{e0}"', 'startPosition="0" endPosition="999999"', 1)
    qde = qde.replace(f'startPosition="{s1}" endPosition="{e1}"', f'startPosition="{s0}" endPosition="{e1}"', 1)
    qde = qde.replace('name="web_furniture" isCodable', 'name="my_own_code" isCodable', 1)
    qde = qde.replace(guid("theme", "web_furniture"), guid("my", "code"))
    files["project.qde"] = qde.encode("utf-8")
    _rewrite(path, files)
    assert main(["--root", str(root), "qda", "import", str(path), "--coder", "X"]) == 1
    err = capsys.readouterr().err
    assert "positions 0-999999 do not fall on the stored text" in err
    assert "span several clauses" in err
    assert "my_own_code match no theme or component" in err


def test_another_reading_exports_only_the_clauses_it_coded_and_still_validates(project_copy):
    path = project_copy / "second.qdpx"
    assert main(["--root", str(project_copy), "qda", "export", str(path), "--reading", "second_blind"]) == 0
    qde = _project(path)["project.qde"]
    xmlschema.XMLSchema(str(SCHEMAS / "Project.xsd")).validate(io.BytesIO(qde))
    tree = etree.fromstring(qde)
    assert len(tree.findall(".//q:PlainTextSelection", NS)) == 61
    assert tree.find(".//q:User", NS).get("id") == "second_blind"
