"""``python -m analysis extract``: files or folders in, candidates CSV (and a review workbook) out.

The only module of the subpackage that joins finding and the review workbook, so neither imports the
other. Temporary files live in one private folder that is removed on any exit (an error, Ctrl-C), and
``-o`` is written through a temporary file in its own folder and renamed into place only on success,
so an existing file is never truncated by a failed run (:func:`atomic_output`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.extraction.files import FileSummary, PlanReadError, candidates_csv_text, extract_file, plan_files
from analysis.extraction.finding import CANDIDATE_COLUMNS, DEFAULT_CHUNK_CHARS, LEFT_OUT_COLUMNS
from analysis.extraction.ingest import DOCUMENT_SUFFIXES, IngestError, ingest_document
from analysis.extraction.review import write_review_workbook


@lru_cache(maxsize=4)
def _themes(root: str) -> pd.DataFrame:
    from analysis.curated import load_table

    return load_table("themes", Path(root))


def extract_to_csv_files(job: tuple[str, str, str, int, bool, str]) -> tuple[FileSummary, str, str]:
    """Worker for a process pool: extract one file into two CSV files (candidates and, when ``left_out``
    is wanted, the numbers left out) in the run's private folder, without headers; return the summary
    and both paths."""
    doc, path, root, chunk_chars, left_out, folder = job
    themes = _themes(root)
    handles = [
        tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False, newline="", dir=folder)
        for _ in range(2)
    ]
    summary = None
    with handles[0], handles[1]:
        for summary, result in extract_file(Path(path), doc, themes, chunk_chars=chunk_chars, left_out=left_out):  # noqa: B007 (the last summary is the file's)
            handles[0].write(candidates_csv_text(result.candidates, header=False))
            handles[1].write(candidates_csv_text(result.left_out, header=False))
    return summary, handles[0].name, handles[1].name


@contextlib.contextmanager
def atomic_output(path: Path):
    """A text stream whose contents replace ``path`` only when the block ends without an error.

    The temporary file sits in the target's folder (so the rename is atomic) and gets the mode a plain
    ``open`` would give (umask), not mkstemp's 0600. On any error, or Ctrl-C, it is removed and ``path``
    is left as it was.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise PlanReadError(f"{path}: folder {path.parent} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def ingest_arguments(arguments: list[str], root: Path, log) -> list[str]:
    """PDF and Word files among ``arguments`` (or under a folder given) become raw texts in ``data/raw/``
    (their originals beside them); the list returned names what to extract instead: the texts, and the
    folders as given (for their .txt files), each file once."""
    result: list[str] = []

    def add(path: Path) -> None:
        ingested = ingest_document(path, root)
        print(ingested.describe(), file=log)
        result.append(str(ingested.text_path))  # plan_files extracts each file once

    for argument in arguments:
        path = Path(argument)
        if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES:
            add(path)
        elif path.is_dir():
            for document in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES):
                add(document)
            result.append(argument)  # and the folder's own .txt files
        else:
            result.append(argument)
    return result


def run_extract(
    arguments: list[str],
    root: Path,
    output,
    log,
    *,
    review: Path | None = None,
    jobs: int = 0,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    progress: bool = True,
) -> list[FileSummary]:
    """Extract every file (folders are walked for .txt files): candidates as CSV to ``output`` (a text
    stream), one line per file to ``log``; with ``review``, also the review workbook.

    ``.pdf`` and ``.docx`` files are first turned into raw texts under ``data/raw/``
    (:func:`analysis.extraction.ingest.ingest_document`). Several files go to a pool of ``jobs``
    processes (0: all cores); each file is read in chunks, so memory stays flat however large a file
    is. Files come out in the order given. Raises :class:`PlanReadError` or
    :class:`~analysis.extraction.ingest.IngestError` with a message naming the file.
    """
    import multiprocessing

    from tqdm import tqdm

    root = Path(root)
    arguments = ingest_arguments(arguments, root, log)
    files = plan_files(arguments)
    if not files:
        raise PlanReadError("no .txt files found in " + ", ".join(arguments))
    jobs = jobs or os.cpu_count() or 1
    want_left_out = review is not None
    show = progress and (len(files) > 1 or any(Path(a).is_dir() for a in arguments)) and log.isatty()
    summaries, kept_candidates, kept_left_out = [], [], []
    folder = tempfile.mkdtemp(prefix="analysis-extract-")
    try:
        tasks = [(doc, str(path), str(root), chunk_chars, want_left_out, folder) for doc, path in files]
        bar = tqdm(total=len(files), unit="file", desc="extract", disable=not show, file=log)
        output.write(",".join(CANDIDATE_COLUMNS) + "\n")

        def collect(summary: FileSummary, candidates_path: str, left_out_path: str) -> None:
            with open(candidates_path, encoding="utf-8", newline="") as stream:
                shutil.copyfileobj(stream, output)
            if want_left_out:
                kept_candidates.append(_read_part(candidates_path, CANDIDATE_COLUMNS))
                kept_left_out.append(_read_part(left_out_path, LEFT_OUT_COLUMNS))
            else:
                summary.left_out = None  # not looked for: the summary must not say "0"
            Path(candidates_path).unlink(missing_ok=True)
            Path(left_out_path).unlink(missing_ok=True)
            summaries.append(summary)
            bar.update(1)
            if show:
                bar.write(summary.describe(), file=log)
            else:
                print(summary.describe(), file=log)

        if len(tasks) == 1 or jobs == 1:
            for task in tasks:
                collect(*extract_to_csv_files(task))
        else:
            with multiprocessing.get_context().Pool(min(jobs, len(tasks))) as pool:
                for result in pool.imap(extract_to_csv_files, tasks):
                    collect(*result)
        bar.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if review is not None:
        write_review_workbook(
            review,
            files,
            root,
            pd.concat(kept_candidates, ignore_index=True),
            pd.concat(kept_left_out, ignore_index=True),
        )
        print(f"review workbook: {review}", file=log)
    return summaries


def _read_part(path: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if Path(path).stat().st_size == 0:
        return pd.DataFrame(columns=list(columns), dtype=object)
    return pd.read_csv(path, header=None, names=list(columns), dtype=str, keep_default_na=False)


__all__ = ["IngestError", "atomic_output", "ingest_arguments", "run_extract"]
