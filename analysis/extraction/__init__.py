"""Extraction: propose the quantities and the coding of a new plan, review them, import them.

Modules, in import order (none imports a later one):

- :mod:`~analysis.extraction.conventions`: comparator, kind and indicator of a quantity, as the curation guide codes them;
- :mod:`~analysis.extraction.finding`: candidates and numbers left out of one text (pure);
- :mod:`~analysis.extraction.files`: encodings, chunks, files and folders;
- :mod:`~analysis.extraction.ingest`: PDF and Word files → a UTF-8 raw text beside its original;
- :mod:`~analysis.extraction.proposals`: proposed commitment levels and component codes;
- :mod:`~analysis.extraction.review`: the review workbook and its validated import;
- :mod:`~analysis.extraction.command`: the ``extract`` command that joins them.

This façade re-exports what the command line, tests and benchmarks use.
"""

from __future__ import annotations

from analysis.extraction.command import run_extract
from analysis.extraction.conventions import guess_comparator, guess_indicator, guess_kind, looks_like_report
from analysis.extraction.files import (
    FileSummary,
    PlanReadError,
    detect_encoding,
    extract_file,
    iter_text_chunks,
    plan_files,
    split_chunks,
)
from analysis.extraction.finding import (
    CANDIDATE_COLUMNS,
    DEFAULT_CHUNK_CHARS,
    EXCLUSION_REASONS,
    LEFT_OUT_COLUMNS,
    ChunkResult,
    extract_text,
    item_label,
    item_spans,
)
from analysis.extraction.review import ReviewError, import_review, propose_clauses, read_review

__all__ = [
    "CANDIDATE_COLUMNS",
    "DEFAULT_CHUNK_CHARS",
    "EXCLUSION_REASONS",
    "LEFT_OUT_COLUMNS",
    "ChunkResult",
    "FileSummary",
    "PlanReadError",
    "ReviewError",
    "detect_encoding",
    "extract_file",
    "extract_text",
    "guess_comparator",
    "guess_indicator",
    "guess_kind",
    "import_review",
    "item_label",
    "item_spans",
    "iter_text_chunks",
    "looks_like_report",
    "plan_files",
    "propose_clauses",
    "read_review",
    "run_extract",
    "split_chunks",
]
