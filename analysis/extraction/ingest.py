"""PDF and Word plans → a UTF-8 raw text in ``data/raw/``, the original kept beside it.

Plans are published as PDF or Word files. :func:`ingest_document` extracts the text (pdfplumber for
``.pdf``, no OCR; python-docx for ``.docx``, paragraphs and then table rows), writes it as
``data/raw/<stem>.txt`` (UTF-8, LF) and copies the original to ``data/raw/<stem>.<suffix>``; both get a
sha256 for the manifest (``documents.csv``: ``raw_file``/``sha256`` and ``original_file``/``original_sha256``).
The text file is the raw document every offset refers to; the original proves where it came from.

What the extraction does, and nothing more:
- pages are joined with a blank line; within a page the lines are kept as the PDF lays them out, except
  that a line broken in the middle of a sentence (it is long, ends without a sentence mark and the next
  line does not start an item) is joined to the next one, so quotes are not cut by layout;
- table rows of a Word file become one line each, cells separated by a tab;
- a PDF without a text layer (a scan) is refused with a message: the project does no OCR.
Kangxi radicals and compatibility ideographs (⽂ for 文) stay in the raw text as the PDF has them;
:func:`analysis.normalize.normalize` maps them for matching, offsets intact.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = (".pdf", ".docx")
_SENTENCE_END = "。;；!！?？:：」”』）)"
_ITEM_START_RE = re.compile(
    r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、．](?!\d)|第[一二三四五六七八九十\d]+[章节条部]|附件|[-—–]\s*\d+\s*[-—–]$)"
)
_PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$")
_BROKEN_LINE_MIN = 20  # a line shorter than this is a heading or the end of a paragraph, not a broken line


class IngestError(ValueError):
    """A PDF or Word file cannot become a raw text; the message names the file and what to do."""


@dataclass(frozen=True)
class Ingested:
    """The raw text written, the original copied beside it, and their fingerprints."""

    text_path: Path
    original_path: Path
    sha256: str
    original_sha256: str
    char_count: int
    pages: int

    def describe(self) -> str:
        pages = f"{self.pages} page(s)" if self.original_path.suffix == ".pdf" else "Word file"
        return (
            f"{self.original_path.name}: {pages} → {self.text_path} ({self.char_count:,} characters, "
            f"UTF-8); original kept as {self.original_path} (sha256 {self.original_sha256[:12]}…); manifest: "
            f"raw_file={self.text_path.name} sha256={self.sha256} original_file={self.original_path.name} "
            f"original_sha256={self.original_sha256} char_count={self.char_count}"
        )


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join a line broken mid-sentence by the page layout to the line after it.

    >>> join_broken_lines(["普惠性幼儿园覆盖率达到92%以上,公办园在园幼儿占比", "达到55%。", "二、队伍建设"])
    ['普惠性幼儿园覆盖率达到92%以上,公办园在园幼儿占比达到55%。', '二、队伍建设']
    """
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if (
            out
            and len(out[-1]) >= _BROKEN_LINE_MIN
            and out[-1][-1:] not in _SENTENCE_END
            and line.strip()
            and not _ITEM_START_RE.match(line)
            and not _PAGE_NUMBER_RE.match(out[-1])
            and not _PAGE_NUMBER_RE.match(line)
        ):
            out[-1] += line.lstrip()
        else:
            out.append(line)
    return out


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdfplumber); raises :class:`IngestError` for an unreadable or scanned PDF."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(path) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise IngestError(f"{path}: not a readable PDF ({type(error).__name__}: {error})") from None
    except Exception as error:  # pdfminer raises its own classes for broken files
        if type(error).__module__.startswith(("pdfminer", "pdfplumber")):
            raise IngestError(f"{path}: not a readable PDF ({type(error).__name__})") from None
        raise
    if not any(page.strip() for page in pages):
        raise IngestError(
            f"{path}: no text layer on any of its {len(pages)} page(s): it is a scan or an image. The project does "
            "no OCR; run an OCR tool first (and check its text), or find a text version of the plan."
        )
    return pages


def pdf_text(path: Path) -> tuple[str, int]:
    """The raw text of a PDF and its number of pages."""
    pages = pdf_pages(path)
    texts = ["\n".join(join_broken_lines(page.splitlines())).strip("\n") for page in pages]
    return "\n\n".join(text for text in texts if text) + "\n", len(pages)


def docx_text(path: Path) -> tuple[str, int]:
    """The raw text of a Word file: its paragraphs in order, then each table row as one tab-separated line."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise IngestError(
            f"{path}: not a readable Word (.docx) file ({type(error).__name__}); a .doc file must be "
            "saved as .docx first"
        ) from None
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:  # merged cells repeat: keep each once
                text = cell.text.strip()
                if not cells or cells[-1] != text:
                    cells.append(text)
            lines.append("\t".join(cells))
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    if not text.strip():
        raise IngestError(f"{path}: the Word file holds no text")
    return text + "\n", 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ingest_document(source: Path, root: Path, stem: str | None = None) -> Ingested:
    """Write ``source`` (.pdf or .docx) as ``data/raw/<stem>.txt`` with the original beside it.

    An existing file of the same name is kept when it is identical, and refused otherwise (raw files
    are never replaced). Both writes are atomic (a temporary file and a rename).
    """
    from analysis.curated import write_text_atomic

    source = Path(source)
    suffix = source.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise IngestError(f"{source}: only {', '.join(DOCUMENT_SUFFIXES)} files are converted")
    if not source.is_file():
        raise IngestError(f"{source}: no such file")
    text, pages = pdf_text(source) if suffix == ".pdf" else docx_text(source)
    raw_dir = Path(root) / "data" / "raw"
    stem = stem or source.stem
    text_path, original_path = raw_dir / f"{stem}.txt", raw_dir / f"{stem}{suffix}"
    original = source.read_bytes()
    encoded = text.encode("utf-8")
    for path, data in ((text_path, encoded), (original_path, original)):
        if path.exists() and path.read_bytes() != data and path.resolve() != source.resolve():
            raise IngestError(
                f"{path} exists with other contents; raw files are never replaced. Give the new plan another file name."
            )
    if not text_path.exists():
        write_text_atomic(text_path, text)
    if not original_path.exists():
        temporary = original_path.with_name(f".{original_path.name}.tmp")
        shutil.copyfile(source, temporary)
        temporary.replace(original_path)
    return Ingested(text_path, original_path, _sha256(encoded), _sha256(original), len(text), pages)
