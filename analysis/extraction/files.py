"""Reading plans (the edge): encodings, chunks, files; a file is extracted chunk by chunk."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.extraction.conventions import looks_like_report
from analysis.extraction.finding import (
    CANDIDATE_COLUMNS,
    DEFAULT_CHUNK_CHARS,
    LEFT_OUT_COLUMNS,
    ChunkResult,
    extract_text,
)
from analysis.normalize import normalize

# ---------------------------------------------------------------------------------------------
# Reading plans (the edge): encodings, chunks, files


class PlanReadError(ValueError):
    """A plan cannot be read (encoding, missing file)."""


ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "gb18030": "GBK/GB18030"}
_BLOCK = 1 << 20


def detect_encoding(path: Path) -> str:
    """``utf-8``, ``utf-8-sig`` (UTF-8 with a byte-order mark) or ``gb18030`` (GBK and its superset).

    The whole file is checked, in blocks, so a GBK file with a UTF-8-looking start is caught.
    """
    path = Path(path)
    if not path.is_file():
        raise PlanReadError(f"{path}: no such file")
    with path.open("rb") as stream:
        start = stream.read(3)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise PlanReadError(f"{path}: is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 or GBK")
        if start == codecs.BOM_UTF8:
            _check_decodes(path, "utf-8-sig")
            return "utf-8-sig"
    try:
        _check_decodes(path, "utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        not_utf8 = error.reason
    try:
        _check_decodes(path, "gb18030")
        return "gb18030"
    except UnicodeDecodeError as error:
        raise PlanReadError(f"{path}: neither UTF-8 ({not_utf8}) nor GBK/GB18030 ({error.reason})") from None


def _check_decodes(path: Path, encoding: str) -> None:
    """Decode the whole file in blocks; a bad byte raises ``UnicodeDecodeError`` whose ``reason`` gives its
    offset in the file and its line; NUL bytes raise :class:`PlanReadError` (not a text file)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset, lines = 0, 1
    with Path(path).open("rb") as stream:
        while True:
            block = stream.read(_BLOCK)
            nul = block.find(b"\x00")
            if nul >= 0:
                raise PlanReadError(
                    f"{path}: holds NUL bytes (first at byte {offset + nul}, line "
                    f"{lines + block[:nul].count(10)}): not a text file (UTF-16, a binary, or a damaged file)"
                )
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                position = offset - pending + error.start
                line = lines + block[: max(0, position - offset)].count(10)
                raise UnicodeDecodeError(
                    error.encoding,
                    error.object,
                    error.start,
                    error.end,
                    f"bad byte at byte {position} of the file, line {line}",
                ) from None
            if not block:
                return
            offset += len(block)
            lines += block.count(10)


def split_chunks(text: str, max_chars: int = DEFAULT_CHUNK_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into spans of at most about ``max_chars`` at line ends (at a sentence end, or
    hard, only when a line is longer than that).

    >>> split_chunks("ab\\ncd\\nef", 4)
    [(0, 3), (3, 6), (6, 8)]
    """
    spans, start = [], 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut < 0:
                cut = text.rfind("。", start, end)
            end = cut + 1 if cut >= 0 else end
        spans.append((start, end))
        start = end
    return spans


def iter_text_chunks(path: Path, encoding: str, max_chars: int = DEFAULT_CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` chunks of a file's decoded text, cut at line ends; memory stays O(chunk)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    buffer, offset = "", 0
    with Path(path).open("rb") as stream:
        while True:
            block = stream.read(_BLOCK)
            buffer += decoder.decode(block, final=not block)
            while len(buffer) > max_chars or (not block and buffer):
                spans = split_chunks(buffer, max_chars)
                start, end = spans[0]
                if block and end == len(buffer):
                    break  # wait for more text
                yield offset, buffer[start:end]
                offset += end
                buffer = buffer[end:]
            if not block:
                break


@dataclass
class FileSummary:
    """What happened to one file."""

    doc: str
    encoding: str
    script: str
    chars: int = 0
    candidates: int = 0
    left_out: int | None = 0  # None: not looked for (without --review)
    report: bool = False
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        said = [ENCODING_NAMES.get(self.encoding, self.encoding)]
        if self.encoding == "utf-8-sig":
            said.append("BOM skipped, offsets count from the character after it")
        if self.encoding == "gb18030":
            said.append("decoded from GBK; offsets are characters of the decoded text")
        if self.script == "traditional":
            said.append(
                "traditional script, normalised to simplified for matching (quotes keep the original characters)"
            )
        if self.report:
            said.append("reads as a report of results: quantities guessed as achievements")
        left = (
            "other numbers not listed (--review lists them with reasons)"
            if self.left_out is None
            else f"{self.left_out} numbers left out"
        )
        return f"{self.doc}: {self.chars:,} characters, {self.candidates} candidates, {left} ({'; '.join(said)})"


_HAN_RE = re.compile(r"[\u4e00-\u9fff]+")


def detect_script(sample: str) -> str:
    """``traditional`` when at least 5% of the Han characters change under OpenCC t2s, else ``simplified``.

    >>> detect_script("義務教育優質均衡發展"), detect_script("义务教育优质均衡发展")
    ('traditional', 'simplified')
    """
    import operator

    han = "".join(_HAN_RE.findall(sample))
    if not han:
        return "simplified"
    converted = normalize(han).text
    if len(converted) != len(han):
        return "traditional"
    changed = sum(map(operator.ne, han, converted))
    return "traditional" if changed >= 0.05 * len(han) else "simplified"


def extract_file(
    path: Path,
    doc: str,
    themes: pd.DataFrame,
    *,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    report: bool | None = None,
    left_out: bool = True,
) -> Iterator[tuple[FileSummary, ChunkResult]]:
    """Extract a plan chunk by chunk; yields the running summary with each chunk's result.

    Whether the text is a report of results is decided once, on its first 100,000 characters
    (:func:`looks_like_report`), whatever the chunk size.
    """
    encoding = detect_encoding(path)
    with Path(path).open("rb") as stream:
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(stream.read(400_000))[:100_000]
    if report is None:
        report = looks_like_report(normalize(sample).text)
    script = detect_script(sample[:20000])
    summary: FileSummary | None = None
    for offset, chunk in iter_text_chunks(path, encoding, chunk_chars):
        if summary is None:
            summary = FileSummary(doc, encoding, script)
        result = extract_text(chunk, doc, themes, offset=offset, report=report, left_out=left_out)
        summary.chars += len(chunk)
        summary.candidates += len(result.candidates)
        summary.left_out += len(result.left_out)
        summary.report = bool(report)
        yield summary, result
    if summary is None:  # an empty file
        yield (
            FileSummary(doc, encoding, "simplified"),
            ChunkResult(pd.DataFrame(columns=list(CANDIDATE_COLUMNS)), pd.DataFrame(columns=list(LEFT_OUT_COLUMNS))),
        )


def plan_files(arguments: Iterable[str], suffixes: tuple[str, ...] = (".txt",)) -> list[tuple[str, Path]]:
    """``(doc, path)`` for each argument: a file as given, or every text file under a folder (sorted);
    a file named twice (as a file and inside a folder) is extracted once, where it first appears."""
    found, seen = [], set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            children = [
                (str(Path(argument) / child.relative_to(path)), child)
                for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            ]
        elif path.is_file():
            children = [(argument, path)]
        else:
            raise PlanReadError(f"{argument}: no such file or folder")
        for doc, child in children:
            if child.resolve() not in seen:
                seen.add(child.resolve())
                found.append((doc, child))
    return found


def candidates_csv_text(frame: pd.DataFrame, header: bool) -> str:
    """CSV text of candidate rows (UTF-8, LF line ends)."""
    return frame.to_csv(index=False, header=header, lineterminator="\n")
