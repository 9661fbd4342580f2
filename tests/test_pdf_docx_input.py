"""Plans published as PDF or Word files: text into data/raw/, the original beside it, clear refusals."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.extraction.ingest import IngestError, ingest_document, join_broken_lines
from analysis.normalize import normalize


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with Chinese text in reportlab's built-in CID font STSong-Light (no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    document = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines in pages:
        document.setFont("STSong-Light", 11)
        for index, line in enumerate(lines):
            document.drawString(60, 790 - 18 * index, line)
        document.showPage()
    document.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose only page is an image: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    document = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    document.rect(50, 50, 300, 300, fill=1)
    document.showPage()
    document.save()
    return path


def make_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    document.save(str(path))
    return path


PDF_PAGES = [
    [
        "某县教育局2024年工作要点",
        "一、学前教育",
        "普惠性幼儿园覆盖率达到 95%,新建公办幼儿园3所,公办园在园幼儿占",
        "比达到55%。",
        "- 1 -",
    ],
    ["二、教师队伍", "全年交流轮岗教师不少于120名。", "- 2 -"],
]


def test_a_pdf_becomes_a_raw_text_beside_its_original_with_both_fingerprints(tmp_path):
    source = make_pdf(tmp_path / "plan.pdf", PDF_PAGES)
    ingested = ingest_document(source, tmp_path)
    text = (tmp_path / "data/raw/plan.txt").read_text(encoding="utf-8")
    assert "普惠性幼儿园覆盖率达到 95%,新建公办幼儿园3所,公办园在园幼儿占比达到55%。" in text  # the broken line joined
    assert "- 1 -" in text and text.index("二、教师队伍") > text.index("- 1 -")
    assert (tmp_path / "data/raw/plan.pdf").read_bytes() == source.read_bytes()
    assert ingested.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert ingested.original_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert ingested.char_count == len(text) and ingested.pages == 2
    # the same file again is accepted; a different file under the same name is refused, nothing replaced
    assert ingest_document(source, tmp_path).sha256 == ingested.sha256
    (tmp_path / "other").mkdir()
    other = make_pdf(tmp_path / "other" / "plan.pdf", [["别的文本"]])
    with pytest.raises(IngestError, match="never replaced"):
        ingest_document(other, tmp_path)
    assert (tmp_path / "data/raw/plan.txt").read_text(encoding="utf-8") == text


def test_a_scanned_pdf_is_refused_with_a_message_not_an_empty_document(tmp_path):
    source = make_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(IngestError, match="no text layer.*OCR"):
        ingest_document(source, tmp_path)
    assert not (tmp_path / "data/raw/scan.txt").exists()
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "--root", str(tmp_path), "extract", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "scan.pdf: no text layer" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_file_is_named_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(IngestError, match="bad.pdf: not a readable PDF"):
        ingest_document(bad, tmp_path)
    doc = tmp_path / "bad.docx"
    doc.write_bytes(b"PK not a zip")
    with pytest.raises(IngestError, match="bad.docx: not a readable Word"):
        ingest_document(doc, tmp_path)


def test_a_word_file_keeps_paragraphs_and_flattens_tables_row_by_row(tmp_path):
    source = make_docx(
        tmp_path / "plan.docx",
        ["某县教育局2024年工作要点", "新建公办幼儿园3所。"],
        [["指标", "2025年"], ["普惠性幼儿园覆盖率", "92%"]],
    )
    ingest_document(source, tmp_path)
    text = (tmp_path / "data/raw/plan.txt").read_text(encoding="utf-8")
    assert text == "某县教育局2024年工作要点\n新建公办幼儿园3所。\n指标\t2025年\n普惠性幼儿园覆盖率\t92%\n"


def test_extract_accepts_pdf_and_docx_and_reports_the_manifest_values(project_copy, capsys):
    tmp_path = project_copy
    pdf = make_pdf(tmp_path / "a.pdf", PDF_PAGES)
    docx_file = make_docx(tmp_path / "b.docx", ["普惠性幼儿园覆盖率达到 92%。"])
    out = tmp_path / "c.csv"
    assert main(["--root", str(tmp_path), "extract", str(pdf), str(docx_file), "-o", str(out), "--quiet"]) == 0
    log = capsys.readouterr().err
    assert "original_sha256=" + hashlib.sha256(pdf.read_bytes()).hexdigest() in log
    found = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(found["number_text"]) == ["95%", "3所", "55%", "120名", "92%"]
    assert found.set_index("number_text").loc["95%", "comparator"] == ">="  # 达到 95%: across the space
    raw = (tmp_path / "data/raw/a.txt").read_text(encoding="utf-8")
    for row in found[found["doc"].str.endswith("a.txt")].itertuples():
        assert raw[int(row.char_start) : int(row.char_end)] == row.quote


def test_kangxi_radicals_and_compatibility_ideographs_are_matched_as_their_characters():
    raw = (
        "⽂化教育\uf9b4,⾼中阶段毛入学率达到95%"  # ⽂ U+2F42, ⾼ U+2FBC, U+F9B4 is a compatibility 領 (then simplified)
    )
    normalised = normalize(raw)
    assert normalised.text == "文化教育领,高中阶段毛入学率达到95%"
    assert len(normalised.text) == len(raw)
    start = normalised.text.index("高中")
    assert normalised.to_raw_span(start, start + 2) == (raw.index("⾼"), raw.index("⾼") + 2)


def test_broken_lines_are_joined_but_headings_items_and_page_numbers_are_not():
    lines = [
        "一、总体目标",
        "到2025年,全县普惠性幼儿园覆盖率达到92%以上,公办园在",
        "园幼儿占比达到55%。",
        "- 3 -",
        "(一)学前教育",
        "第二章 保障措施",
    ]
    assert join_broken_lines(lines) == [
        "一、总体目标",
        "到2025年,全县普惠性幼儿园覆盖率达到92%以上,公办园在园幼儿占比达到55%。",
        "- 3 -",
        "(一)学前教育",
        "第二章 保障措施",
    ]


def test_validation_checks_the_original_beside_the_raw_text(project_copy):
    from analysis.curated import load_table, write_tables
    from analysis.validate import validate_project

    root = project_copy
    documents = load_table("documents", root)
    original = root / "data/raw/xinhuang_2021h2_work_plan.docx"
    make_docx(original, ["新晃"])
    documents.loc[documents["doc_id"] == "xinhuang_2021h2_wp", ["original_file", "original_sha256"]] = [
        original.name,
        hashlib.sha256(original.read_bytes()).hexdigest(),
    ]
    write_tables({"documents": documents}, root)
    assert validate_project(root) == []
    original.write_bytes(original.read_bytes() + b"x")
    problems = validate_project(root)
    assert [(p.column, "xinhuang_2021h2_work_plan.docx has sha256" in p.message) for p in problems] == [
        ("original_sha256", True)
    ]
    original.unlink()
    assert [p.column for p in validate_project(root)] == ["original_file"]


def test_a_folder_of_pdf_word_and_text_plans_is_extracted_each_file_once(project_copy):
    root = project_copy
    folder = root / "incoming"
    folder.mkdir()
    make_pdf(folder / "a.pdf", [["新建公办幼儿园3所。"]])
    make_docx(folder / "b.docx", ["新增学位900个。"])
    (folder / "c.txt").write_text("培训教师120名。\n", encoding="utf-8")
    out = root / "c.csv"
    assert main(["--root", str(root), "extract", str(folder), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    found = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(found["number_text"]) == ["3所", "900个", "120名"]
    # the raw folder itself: its original beside its text is not extracted twice
    assert (
        main(
            [
                "--root",
                str(root),
                "extract",
                str(root / "data/raw/a.txt"),
                str(root / "data/raw"),
                "-o",
                str(out),
                "--jobs",
                "1",
                "--quiet",
            ]
        )
        == 0
    )
    found = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(found["doc"]).count(str(root / "data/raw/a.txt")) == 1
