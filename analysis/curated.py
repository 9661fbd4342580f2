"""Curated tables: read them through ``datapackage.json``, check them against its Table Schemas.

Tables are read as text (every cell a ``str``, empty cells ``""``) so that nothing is lost or
reformatted on the way in; :func:`typed` converts columns per the schema when a caller wants
numbers. Writes go through :func:`write_csv_atomic`, so a failed write never leaves half a file.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
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
    """The Data Package descriptor of ``data/curated``."""
    path = root / "data" / "curated" / "datapackage.json"
    return json.loads(path.read_text(encoding="utf-8"))


def resource(descriptor: dict, name: str) -> dict:
    """One resource of the descriptor by name."""
    for item in descriptor["resources"]:
        if item["name"] == name:
            return item
    raise KeyError(f"datapackage.json has no resource {name!r}")


def field_names(descriptor: dict, name: str) -> list[str]:
    """The schema's column names of a resource, in order."""
    return [field["name"] for field in resource(descriptor, name)["schema"]["fields"]]


def read_table_text(path: Path, label: str) -> pd.DataFrame:
    """Read one CSV strictly as UTF-8, every cell as text; raise :class:`CuratedDataError` if unreadable."""
    if not path.is_file():
        raise CuratedDataError([Problem(label, 0, "", "file is missing")])
    try:
        text = decode_utf8_strict(path.read_bytes(), label)
    except TextEncodingError as error:
        raise CuratedDataError([Problem(label, 0, "", str(error).split(": ", 1)[1])]) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise CuratedDataError([Problem(label, 0, "", "file is empty (no header row)")])
    header, body = rows[0], rows[1:]
    problems = []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            problems.append(Problem(label, number, "", f"row has {len(row)} cells, the header has {len(header)} (truncated or unquoted comma?)"))
    if problems:
        raise CuratedDataError(problems)
    body = [row for row in body if any(cell.strip() for cell in row)]
    return pd.DataFrame(body, columns=header, dtype=object).astype(object)


def load_table(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> pd.DataFrame:
    """A curated table by resource name, columns checked against the schema, cells as text."""
    descriptor = descriptor or read_datapackage(root)
    path = root / "data" / "curated" / resource(descriptor, name)["path"]
    label = f"data/curated/{resource(descriptor, name)['path']}"
    frame = read_table_text(path, label)
    missing = [c for c in field_names(descriptor, name) if c not in frame.columns]
    if missing:
        raise CuratedDataError([Problem(label, 1, c, "required column is missing from the header") for c in missing])
    return frame


def load_tables(root: Path = PROJECT_ROOT) -> dict[str, pd.DataFrame]:
    """Every resource of the Data Package as a text DataFrame; all problems raised together."""
    descriptor = read_datapackage(root)
    tables, problems = {}, []
    for item in descriptor["resources"]:
        try:
            tables[item["name"]] = load_table(item["name"], root, descriptor)
        except CuratedDataError as error:
            problems.extend(error.problems)
    if problems:
        raise CuratedDataError(problems)
    return tables


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
    """Write a UTF-8 file atomically: a temporary file in the same folder, then a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)  # mkstemp makes 0600; give the file the mode the umask asks for
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write a curated table atomically in the project's CSV dialect."""
    write_text_atomic(path, frame_to_csv_text(frame))


def table_path(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> Path:
    """Where a curated table lives on disk (the one place that knows the layout of ``data/curated``)."""
    descriptor = descriptor or read_datapackage(root)
    return root / "data" / "curated" / resource(descriptor, name)["path"]


def write_tables(frames: dict[str, pd.DataFrame], root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> list[Path]:
    """Write whole curated tables by resource name; every command that changes curated data calls this.

    The storage layout (file per table, folder per region) and the all-or-nothing guarantee across
    files belong here, so callers hand over logical tables and never build paths themselves.
    """
    descriptor = descriptor or read_datapackage(root)
    written = []
    for name, frame in frames.items():
        path = table_path(name, root, descriptor)
        write_csv_atomic(frame, path)
        written.append(path)
    return written
