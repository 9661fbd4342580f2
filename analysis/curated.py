"""Curated tables: read them through ``datapackage.json``, check them against its Table Schemas.

Tables are read as text (every cell a ``str``, empty cells ``""``) so that nothing is lost or
reformatted on the way in; :func:`typed` converts columns per the schema when a caller wants
numbers. The layout on disk (one folder per region) and all-or-nothing writes live in
:mod:`analysis.store`; other modules read and write only through the functions here.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.corpus import TextEncodingError, decode_utf8_strict
from analysis.paths import PROJECT_ROOT


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


def read_datapackage(root: Path = PROJECT_ROOT) -> dict:
    """The Data Package descriptor of ``data/curated``; a syntax error is a :class:`CuratedDataError` naming the file."""
    from analysis import store

    return store.read_descriptor(root)


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
        raise CuratedDataError([Problem(label, line, "", f"the CSV cannot be read from this line on ({error}): a quoted "
                                        "field is not closed (file cut short?) or a quote stands inside an unquoted field")]) from None
    if not records:
        raise CuratedDataError([Problem(label, 0, "", "file is empty (no header row)")])
    header, body, body_lines = records[0], records[1:], lines[1:]
    problems = []
    for number, row in zip(body_lines, body):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            problems.append(Problem(label, number, "", f"row has {len(row)} cells, the header has {len(header)} (truncated or unquoted comma?)"))
    if problems:
        raise CuratedDataError(problems)
    kept = [(row, number) for row, number in zip(body, body_lines) if any(cell.strip() for cell in row)]
    return header, [row for row, _ in kept], [number for _, number in kept]


def read_table_text(path: Path, label: str) -> pd.DataFrame:
    """Read one CSV strictly as UTF-8, every cell as text; raise :class:`CuratedDataError` if unreadable."""
    header, rows, _ = read_csv_records(path, label)
    return pd.DataFrame(rows, columns=header, dtype=object).astype(object)


def load_table(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> pd.DataFrame:
    """A curated table by resource name (all regions' files as one table), columns checked against the schema."""
    from analysis import store

    return store.load_one(name, root, descriptor)


def load_tables(root: Path = PROJECT_ROOT) -> dict[str, pd.DataFrame]:
    """Every resource of the Data Package as a text DataFrame; all problems raised together."""
    from analysis import store

    return store.load(root).tables


def typed(frame: pd.DataFrame, descriptor: dict, name: str) -> pd.DataFrame:
    """Convert columns per the schema (integer → Int64, number → float, boolean → bool); text stays text."""
    out = frame.copy()
    for field in resource(descriptor, name)["schema"]["fields"]:
        column = field["name"]
        if column not in out.columns:
            continue
        kind = field.get("type", "string")
        if kind == "integer":
            out[column] = pd.to_numeric(out[column].replace("", None)).astype("Int64")
        elif kind == "number":
            out[column] = pd.to_numeric(out[column].replace("", None)).astype("Float64")
        elif kind == "boolean":
            out[column] = out[column].map({"true": True, "false": False, "": None})
    return out


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


def table_path(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None, region: str | None = None) -> Path:
    """Where a curated table lives on disk (the one place that knows the layout of ``data/curated``).

    A per-region table has one file per region (``regions/<region_id>/<table>.csv``): give ``region``, or get
    the first region's file; :func:`table_paths` lists them all. ``region`` is ignored for a table of no region."""
    from analysis import store

    descriptor = descriptor or read_datapackage(root)
    item = resource(descriptor, name)
    parts = store.resource_parts(item)
    if region is not None and store.is_per_region(item):
        parts = [p for p in parts if store.part_region(p) == region] or [store.part_path(region, Path(parts[0]).name)]
    return Path(root) / "data" / "curated" / parts[0]


def table_paths(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> list[Path]:
    """Every file of a curated table (one per region for a per-region table)."""
    from analysis import store

    descriptor = descriptor or read_datapackage(root)
    return [Path(root) / "data" / "curated" / p for p in store.resource_parts(resource(descriptor, name))]


def write_tables(frames: dict[str, pd.DataFrame], root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> list[Path]:
    """Write whole curated tables by resource name; every command that changes curated data calls this.

    Rows go to their region's file (a new region gets its folder), only files whose text changes are
    rewritten, and the write is all or nothing across files, even across a crash (:mod:`analysis.store`).
    Raises :class:`analysis.store.CuratedWriteError` (a :class:`CuratedDataError`) and writes nothing when a
    file is read-only or a row has no region. Returns the files written.
    """
    from analysis import store

    return store.write(frames, root, descriptor)
