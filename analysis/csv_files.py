"""The curated tables' files: the project's CSV dialect, strict UTF-8 reading, problems located by file, line, column.

The lowest layer of the curated data: :mod:`analysis.store` (the layout on disk) and :mod:`analysis.curated`
(the tables by name) build on it; it knows nothing of either.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.corpus import TextEncodingError, decode_utf8_strict


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the curated data, located by file, line and column."""

    file: str
    line: int  # line in the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "")
        where += f", column '{self.column}'" if self.column else ""
        return f"{where}: {self.message}"


class CuratedDataError(ValueError):
    """Curated data cannot be loaded; carries the problems found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def resource(descriptor: dict, name: str) -> dict:
    """One resource of the descriptor by name."""
    for item in descriptor["resources"]:
        if item["name"] == name:
            return item
    raise KeyError(f"datapackage.json has no resource {name!r}")


def field_names(descriptor: dict, name: str) -> list[str]:
    """The schema's column names of a resource, in order."""
    return [field["name"] for field in resource(descriptor, name)["schema"]["fields"]]


def read_csv_records(path: Path, label: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and the line each row starts on, of one CSV read strictly as UTF-8.

    Raises :class:`CuratedDataError` for a missing, empty, non-UTF-8 or NUL-holding file, a row with the wrong
    number of cells, and a file that ends inside a quoted field (cut short)."""
    if not path.is_file():
        raise CuratedDataError([Problem(label, 0, "", "file is missing")])
    data = path.read_bytes()
    try:
        text = decode_utf8_strict(data, label)
    except TextEncodingError as error:
        raise CuratedDataError([Problem(label, 0, "", str(error).split(": ", 1)[1])]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, lines, line = [], [], 1
    try:
        for row in reader:
            records.append(row)
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise CuratedDataError(
            [
                Problem(
                    label,
                    line,
                    "",
                    f"the CSV cannot be read from this line on ({error}): a quoted "
                    "field is not closed (file cut short?) or a quote stands inside an unquoted field",
                )
            ]
        ) from None
    if not records:
        raise CuratedDataError([Problem(label, 0, "", "file is empty (no header row)")])
    header, body, body_lines = records[0], records[1:], lines[1:]
    problems = []
    for number, row in zip(body_lines, body):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            problems.append(
                Problem(
                    label,
                    number,
                    "",
                    f"row has {len(row)} cells, the header has {len(header)} (truncated or unquoted comma?)",
                )
            )
    if problems:
        raise CuratedDataError(problems)
    kept = [(row, number) for row, number in zip(body, body_lines) if any(cell.strip() for cell in row)]
    return header, [row for row, _ in kept], [number for _, number in kept]


def read_table_text(path: Path, label: str) -> pd.DataFrame:
    """Read one CSV strictly as UTF-8, every cell as text; raise :class:`CuratedDataError` if unreadable."""
    header, rows, _ = read_csv_records(path, label)
    return pd.DataFrame(rows, columns=header, dtype=object).astype(object)


def frame_to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text the way the curated files are written: UTF-8, LF line ends, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(frame.columns))
    for row in frame.itertuples(index=False):
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return buffer.getvalue()


def write_text_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 file atomically (temporary file in the same folder, then a rename), mode as a plain write."""
    from analysis.atomic import write_text_atomic as write

    write(path, text)


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write one CSV file atomically in the project's dialect (not for curated tables: use :func:`write_tables`)."""
    write_text_atomic(path, frame_to_csv_text(frame))
