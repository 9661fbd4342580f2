"""The curated tables as one Excel workbook: export it, and bring an edited copy back.

Export (XlsxWriter) writes one sheet per resource of ``datapackage.json`` (typed cells, drop-downs for
coded columns), a bilingual README sheet, one derived sheet per comparison table of the package with
formulas stored together with their results (:mod:`analysis.workbook.formulas`), and a hidden record of
the data it was exported from (:mod:`analysis.workbook.state`). Same data, same bytes.

Import reads an edited workbook defensively (size, row and cell limits before parsing; no macros, no
external links, defusedxml, refuses XML entity declarations), turns every cell back into the text the
CSV holds, merges it row by row with any change made to the data since the export (a row changed on
both sides is a named conflict), validates the result exactly like ``python -m analysis validate`` in a
temporary copy of ``data/``, and only then writes the changed tables with
``analysis.curated.write_tables``. Problems name sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Number
from pathlib import Path

import openpyxl
import openpyxl.xml
import pandas as pd
import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as ILLEGAL_CHARACTERS
from openpyxl.cell.read_only import EmptyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from analysis.curated import (
    CuratedDataError,
    Problem,
    frame_to_csv_text,
    load_table,
    load_tables,
    read_datapackage,
    resource,
    write_tables,
)
from analysis.paths import PROJECT_ROOT
from analysis.pipeline import digest_of, value_digest
from analysis.workbook.formulas import (
    LISTS_SHEET,
    ROW_LIMIT,
    CodeList,
    Formula,
    SheetSpec,
    code_lists,
    comparison_sheets,
    criteria_cells,
    data_layout,
    list_sources,
    lists_columns,
    readme_rows,
)
from analysis.workbook.state import (
    STATE_SHEET,
    merge_table,
    parse_state,
    row_key,
    state_rows,
    table_digest,
)

WORKBOOK_NAME = "edu_plans_curated.xlsx"
README_SHEET = "README"
FIXED_TIME = dt.datetime(2000, 1, 1)  # document properties and zip entries: same data, same bytes
MAX_WIDTH = 60
MAX_CELL_CHARS = 32767
MAX_UNZIPPED_BYTES = 100 * 2**20  # today's export unpacks to about 3 MB
MAX_SHEET_XML_BYTES = 50 * 2**20
MAX_ROWS = 100_000  # per sheet
MAX_CELLS = 1_000_000  # in all sheets; today's export has about 40,000
CELL_TAG = re.compile(rb"<c[ >/]")
ROW_TAG = re.compile(rb"<row[ >/]")
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
HEADER_COLOUR = "#DDE4EE"
FORMULA_START = ("=", "+", "-", "@")
# Text Excel would turn into a number, date or boolean if someone retyped it: written with a quote prefix.
LOOKS_TYPED = re.compile(r"\s*([-+]?[\d.,]+%?|\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4})?|true|false)\s*$", re.IGNORECASE)


class WorkbookError(ValueError):
    """The file cannot be imported at all (not a workbook, damaged, encrypted, missing sheets …)."""


# ----------------------------------------------------------------------------------------------
# Cells: CSV text ⇄ typed Excel values (pure)


def field_types(descriptor: dict, name: str) -> dict[str, str]:
    """Column → Table Schema type of one resource."""
    return {f["name"]: f.get("type", "string") for f in resource(descriptor, name)["schema"]["fields"]}


def excel_value(text: str, kind: str):
    """The Excel cell value for a CSV cell and the number format it needs (``None``: General).

    integer/number become numbers, boolean a boolean, date a date; everything else stays text,
    including text that merely looks like a number. Numbers Excel cannot hold exactly (more than 15
    significant digits) stay text.

    >>> excel_value("0.50", "number"), excel_value("12", "string"), excel_value("", "integer")
    ((0.5, '0.00'), ('12', None), (None, None))
    """
    if text == "":
        return None, None
    if kind in ("integer", "number") and re.fullmatch(r"-?\d+(\.\d+)?", text):
        digits = len(text.lstrip("-").replace(".", "").lstrip("0"))
        if digits <= 15:
            if "." not in text:
                return int(text), None
            return float(text), "0." + "0" * len(text.split(".")[1])
    if kind == "boolean" and text in ("true", "false"):
        return text == "true", None
    if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text), "yyyy-mm-dd"
        except ValueError:
            pass
    return text, None


def _decimals(number_format: str) -> int:
    match = re.fullmatch(r"[#,]*0\.(0+)", number_format or "")
    return len(match.group(1)) if match else 0


def _number_text(value: float, kind: str, number_format: str) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = str(int(number)) if number == number.to_integral_value() else format(number, "f")
    if kind == "number" and (decimals := _decimals(number_format)):
        have = len(text.split(".")[1]) if "." in text else 0
        if have < decimals:
            text += ("" if have else ".") + "0" * (decimals - have)
    return text


def cell_text(value, kind: str, number_format: str = "General") -> tuple[str, str | None]:
    """The CSV text of an Excel cell value for a column of Table Schema type ``kind``, and a note.

    Copes with what Excel does to cells: 3.0 in an integer column is "3"; 0.5 shown as 0.50 in a
    number column is "0.50"; numbers stored as text are trimmed; a date becomes YYYY-MM-DD. The
    note says when Excel may have changed what was typed. Raises ValueError for a value no CSV
    cell can hold (a time, a duration).

    >>> cell_text(3.0, "integer"), cell_text(0.5, "number", "0.00"), cell_text(" 12 ", "integer")
    (('3', None), ('0.50', None), ('12', None))
    """
    if value is None:
        return "", None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, (int, float)):
        text = _number_text(value, kind, number_format)
        note = (
            None
            if kind in ("integer", "number")
            else f"Excel stored a number here; read as {text!r}: check it (type text as '{text} to keep it text)"
        )
        return text, note
    if isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
        return text, None if kind == "date" else f"Excel turned this cell into a date; read as {text!r}: check it"
    if isinstance(value, dt.date):
        text = value.isoformat()
        return text, None if kind == "date" else f"Excel turned this cell into a date; read as {text!r}: check it"
    if isinstance(value, (dt.time, dt.timedelta)):
        raise ValueError(f"holds a time or duration ({value}); type the value as text")
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n")
        if kind in ("integer", "number", "boolean", "date"):
            text = text.strip()
        if kind == "integer" and re.fullmatch(r"[+-]?\d+\.0*", text):
            text = text.split(".")[0].lstrip("+")
        if kind == "boolean" and text.lower() in ("true", "false"):
            text = text.lower()
        return text, None
    raise ValueError(f"holds a value of unsupported type {type(value).__name__}")


# ----------------------------------------------------------------------------------------------
# Export


def display_width(text: str) -> int:
    """Columns a text needs: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(frame: pd.DataFrame) -> dict[str, tuple[float, bool]]:
    """Width per column from its header and longest line, capped; ``True`` when the column wraps."""
    out = {}
    for column in frame.columns:
        longest = max((display_width(line) for v in frame[column] for line in str(v).split("\n")), default=0)
        width = max(display_width(column) + 3, min(longest + 2, MAX_WIDTH), 6)
        out[column] = (float(width), longest + 2 > MAX_WIDTH)
    return out


class _Formats:
    """XlsxWriter formats, created once per distinct look (same data, same styles, same bytes)."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book, self.cache = book, {}

    def get(self, **properties):
        key = tuple(sorted(properties.items()))
        if not key:
            return None
        if key not in self.cache:
            self.cache[key] = self.book.add_format(properties)
        return self.cache[key]


def _write(sheet, formats: _Formats, row: int, col: int, value, number_format: str | None = None, **look) -> None:
    """Write a value (0-based row/col); text is always text, never a formula, even when it starts with = + - @."""
    if isinstance(value, Formula):
        cached = "" if value.value is None else value.value
        if isinstance(cached, (pd.Timestamp, dt.date)):
            cached = str(cached)
        sheet.write_formula(row, col, value.text, formats.get(**look), cached)
        return
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if look or number_format:
            sheet.write_blank(row, col, None, formats.get(**look))
        return
    if number_format:
        look = look | {"num_format": number_format}
    if isinstance(value, str):
        if value.startswith(FORMULA_START) or LOOKS_TYPED.match(value):
            look = look | {"quote_prefix": True}  # Excel keeps the cell text when it is edited
        sheet.write_string(row, col, value, formats.get(**look))
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, formats.get(**look))
    elif isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        value = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        sheet.write_datetime(row, col, value, formats.get(**(look | {"num_format": number_format or "yyyy-mm-dd"})))
    elif isinstance(value, Number):
        sheet.write_number(row, col, value, formats.get(**look))
    else:
        sheet.write_string(row, col, str(value), formats.get(**look))


HEADER_LOOK = {"bold": True, "bg_color": HEADER_COLOUR}


def _lists_sheet(book, formats: _Formats, lists: dict[tuple[str, str], CodeList]) -> None:
    sheet = book.add_worksheet(LISTS_SHEET)
    for col, (name, values) in enumerate(lists_columns(lists)):
        _write(sheet, formats, 0, col, name)
        for row, value in enumerate(values, start=1):
            _write(sheet, formats, row, col, value)
    sheet.hide()


def _data_sheet(
    book,
    formats: _Formats,
    name: str,
    frame: pd.DataFrame,
    kinds: dict[str, str],
    lists: dict[tuple[str, str], CodeList],
    sources: dict[str, str],
) -> None:
    sheet = book.add_worksheet(name)
    widths = column_widths(frame)
    for col, column in enumerate(frame.columns):
        _write(sheet, formats, 0, col, column, **HEADER_LOOK)
        width, wraps = widths[column]
        sheet.set_column(col, col, width)
        look = {"text_wrap": True, "valign": "top"} if wraps else {}
        kind = kinds.get(column, "string")
        for row, text in enumerate(frame[column], start=1):
            if len(text) > MAX_CELL_CHARS:
                raise WorkbookError(
                    f"{name}.csv line {row + 1}, column '{column}': {len(text)} characters, more than an "
                    f"Excel cell holds ({MAX_CELL_CHARS})"
                )
            if ILLEGAL_CHARACTERS.search(text):
                raise WorkbookError(
                    f"{name}.csv line {row + 1}, column '{column}': a control character that Excel cannot hold"
                )
            value, number_format = excel_value(text, kind)
            _write(sheet, formats, row, col, value, number_format, **look)
        code = lists.get((name, column))
        if code:
            sheet.data_validation(
                1,
                col,
                ROW_LIMIT - 1,
                col,
                {
                    "validate": "list",
                    "source": sources[code.name],
                    "ignore_blank": True,
                    "error_type": code.error_style,
                    "error_title": f"{column}: not in the list"[:32],
                    "error_message": f"{column} takes a code from {code.name} ({code.source}); see the README sheet."[
                        :255
                    ],
                },
            )
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), max(0, len(frame.columns) - 1))


def _spec_sheet(book, formats: _Formats, spec: SheetSpec) -> None:
    sheet = book.add_worksheet(spec.name)
    header = spec.rows[0]
    wrap = {header.index(c) for c in spec.wrap_columns if c in header}
    for r, row in enumerate(spec.rows):
        for c, value in enumerate(row):
            look = HEADER_LOOK if r < spec.header_rows else ({"text_wrap": True, "valign": "top"} if c in wrap else {})
            _write(sheet, formats, r, c, value, **look)
    for col_letter, width in spec.widths.items():
        sheet.set_column(f"{col_letter}:{col_letter}", width)
    sheet.freeze_panes(*spec.freeze)
    if spec.header_rows == 1 and len(spec.rows) > 1:
        sheet.autofilter(0, 0, len(spec.rows) - 1, max(len(row) for row in spec.rows) - 1)
    if spec.colour_scale:
        sheet.conditional_format(
            spec.colour_scale,
            {
                "type": "3_color_scale",
                "min_type": "num",
                "min_value": 0,
                "min_color": "#FFFFFF",
                "mid_type": "num",
                "mid_value": 1.5,
                "mid_color": "#C6DBEF",
                "max_type": "num",
                "max_value": 3,
                "max_color": "#6BAED6",
            },
        )  # light enough for black text


def _readme_sheet(book, formats: _Formats, rows: list[tuple[str, list[str]]]) -> None:
    sheet = book.add_worksheet(README_SHEET)
    number = -1
    for style, cells in rows:
        number += 2 if style in ("section", "title") and number >= 0 else 1  # a blank line before each section
        for col, value in enumerate(cells):
            look = {}
            if style in ("title", "section", "header"):
                look = {"bold": True, "font_size": 14 if style == "title" else 11}
            if style == "header":
                look |= {"bg_color": HEADER_COLOUR}
            if style == "row":
                look = {"text_wrap": True, "valign": "top"}
            _write(sheet, formats, number, col, value, **look)
    for col, width in enumerate((22, 30, 18, 24, 70, 70)):
        sheet.set_column(col, col, width)


def _state_sheet(book, formats: _Formats, rows: list[list[str]]) -> None:
    sheet = book.add_worksheet(STATE_SHEET)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            _write(sheet, formats, r, c, value)
    sheet.hide()


def generated_sheet_names(specs: list[SheetSpec]) -> list[str]:
    return [README_SHEET, *(s.name for s in specs), LISTS_SHEET, STATE_SHEET]


# The last few workbooks made in this process, by a digest of the tables and descriptor they were made from.
# Same tables, same bytes; a session or test run that exports the same data again skips the second of writing.
_RECENT_WORKBOOKS: dict[str, bytes] = {}
_RECENT_LIMIT = 4


def workbook_bytes(tables: dict[str, pd.DataFrame], descriptor: dict) -> bytes:
    """The whole workbook: README, one sheet per resource, derived sheets, hidden lists and export state."""
    key = digest_of(value_digest((tables, descriptor)))
    if key not in _RECENT_WORKBOOKS:
        _RECENT_WORKBOOKS[key] = _workbook_bytes(tables, descriptor)
        while len(_RECENT_WORKBOOKS) > _RECENT_LIMIT:
            del _RECENT_WORKBOOKS[next(iter(_RECENT_WORKBOOKS))]
    return _RECENT_WORKBOOKS[key]


def forget_recent_workbooks() -> None:
    """Make the next :func:`workbook_bytes` write every workbook afresh (to check that it gives the same bytes)."""
    _RECENT_WORKBOOKS.clear()


def _workbook_bytes(tables: dict[str, pd.DataFrame], descriptor: dict) -> bytes:
    lists = code_lists(tables, descriptor)
    criteria = criteria_cells(lists)
    specs = comparison_sheets(tables, criteria)
    names = [item["name"] for item in descriptor["resources"]]
    generated = generated_sheet_names(specs)
    clash = [n for n in names if n in generated or len(n) > 31]
    if clash:
        raise WorkbookError(f"resource names {clash} cannot be sheet names (reserved or longer than 31 characters)")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    book.set_properties(
        {"title": descriptor.get("title", ""), "author": "python -m analysis workbook export", "created": FIXED_TIME}
    )
    book.set_calc_mode("auto")
    formats = _Formats(book)
    _readme_sheet(book, formats, readme_rows(tables, descriptor, specs, lists))
    sources = list_sources(lists, data_layout(tables))
    for name in names:
        _data_sheet(book, formats, name, tables[name], field_types(descriptor, name), lists, sources)
    for spec in specs:
        _spec_sheet(book, formats, spec)
    _lists_sheet(book, formats, lists)
    _state_sheet(book, formats, state_rows(tables, {n: _primary_key(descriptor, n) for n in names}, generated))
    book.close()
    return reproducible_bytes(buffer.getvalue())


def reproducible_bytes(data: bytes | openpyxl.Workbook) -> bytes:
    """The saved workbook (its bytes, or an openpyxl workbook) with fixed document timestamps and zip entry dates."""
    if not isinstance(data, bytes | bytearray):
        buffer = io.BytesIO()
        data.save(buffer)
        data = buffer.getvalue()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + stamp + m.group(3),
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3  # the same bytes whatever system exports
            target.writestr(entry, content)
    return out.getvalue()


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    from analysis.atomic import write_bytes_atomic

    write_bytes_atomic(path, data)


def default_workbook_path(root: Path = PROJECT_ROOT) -> Path:
    return Path(root) / "data" / "curated" / WORKBOOK_NAME


def export_workbook(root: Path = PROJECT_ROOT, path: Path | None = None) -> Path:
    """Write the curated workbook (default ``data/curated/edu_plans_curated.xlsx``) and return its path."""
    root = Path(root)
    path = Path(path) if path else default_workbook_path(root)
    if path.is_dir():
        raise WorkbookError(f"{path} is a folder; give the path of the .xlsx file to write")
    tables = load_tables(root)
    _write_bytes_atomic(path, workbook_bytes(tables, read_datapackage(root)))
    return path


# ----------------------------------------------------------------------------------------------
# Import


def size_limits(infos: list[zipfile.ZipInfo], label: str) -> None:
    """Refuse, from the ZIP directory alone, a workbook that unpacks to more than the limits."""
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise WorkbookError(
            f"{label} unpacks to {total / 2**20:,.0f} MB, more than the {MAX_UNZIPPED_BYTES // 2**20} MB "
            "a curated workbook may hold (today's export unpacks to a few MB); refused before reading it. "
            "Import the exported workbook with your edits, not a copy holding other data."
        )
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.file_size > MAX_SHEET_XML_BYTES:
            raise WorkbookError(
                f"{label}: the sheet part {info.filename} unpacks to {info.file_size / 2**20:,.0f} MB, "
                f"more than the {MAX_SHEET_XML_BYTES // 2**20} MB allowed per sheet; refused before "
                "reading it (a sheet with far more rows or cells than a curated table?)"
            )


def scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, cells_left: int) -> int:
    """Stream one XML part once: refuse DOCTYPE/entity declarations, more bytes than declared or allowed, more
    rows per sheet than MAX_ROWS or more cells than ``cells_left``. Returns the part's number of cells."""
    sheet = info.filename.startswith("xl/worksheets/")
    limit = MAX_SHEET_XML_BYTES if sheet else MAX_UNZIPPED_BYTES
    read = cells = rows = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(1 << 20):
            read += len(chunk)
            if read > limit:
                raise WorkbookError(f"{label}: part {info.filename} unpacks to more than {limit // 2**20} MB; refused")
            window = tail + chunk
            if re.search(rb"<!\s*(DOCTYPE|ENTITY)", window, re.IGNORECASE):
                raise WorkbookError(
                    f"{label}: part {info.filename} declares a DOCTYPE/XML entities, which Excel "
                    "and LibreOffice never write (possible entity-expansion attack); refused"
                )
            if sheet:
                cells += len(CELL_TAG.findall(window)) - len(CELL_TAG.findall(tail))
                rows += len(ROW_TAG.findall(window)) - len(ROW_TAG.findall(tail))
                if rows > MAX_ROWS:
                    raise WorkbookError(
                        f"{label}: {info.filename} has more than {MAX_ROWS:,} rows, more than a curated "
                        "table may hold; refused before reading it"
                    )
                if cells > cells_left:
                    raise WorkbookError(
                        f"{label} has more than {MAX_CELLS:,} cells in all, more than the curated tables "
                        "may hold; refused before reading it"
                    )
            tail = window[-16:]
    return cells


def _refuse_unsafe_archive(data: bytes, label: str) -> None:
    """Clear errors for what is not an .xlsx, is damaged, encrypted or carries XML entity declarations."""
    if data.startswith(OLE_SIGNATURE):
        raise WorkbookError(
            f"{label} is an OLE2 compound file (signature D0 CF 11 E0), not an .xlsx: it is either "
            "password-protected (Excel encrypts protected workbooks into this container) or an old .xls "
            "workbook. Remove the password (File > Info > Protect Workbook) or save it as Excel Workbook "
            "(.xlsx), then import again."
        )
    if not data.startswith(b"PK\x03\x04"):
        start = data[:8].hex(" ").upper() or "nothing (the file is empty)"
        raise WorkbookError(
            f"{label} is not an Excel workbook (.xlsx): an .xlsx file is a ZIP archive starting with "
            f"50 4B 03 04, this one starts with {start}. Save it from Excel as Excel Workbook (.xlsx)."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise WorkbookError(f"{label} is a ZIP archive but not an Excel workbook (it has no xl/workbook.xml)")
            size_limits(infos, label)
            cells = 0
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    cells += scan_part(archive, info, label, MAX_CELLS - cells)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, OSError) as error:
        raise WorkbookError(
            f"{label} is damaged or truncated (not a complete ZIP archive: {error}). "
            "Save it again from Excel or copy it again."
        ) from None


def open_workbook(path: Path, *, data_only: bool = False, read_only: bool = False) -> openpyxl.Workbook:
    """Load a workbook someone sent, safely: defusedxml, no macros, no external links; clear errors.

    ``read_only`` parses a sheet only when it is read (see :func:`sheet_grid`), about three times quicker
    when only the data sheets are needed."""
    path = Path(path)
    if not openpyxl.xml.DEFUSEDXML:
        raise WorkbookError("refusing to read workbooks without defusedxml (pip install defusedxml)")
    if path.is_dir():
        raise WorkbookError(f"{path} is a folder, not a workbook file; give the path of the .xlsx file")
    if not path.is_file():
        raise WorkbookError(f"{path} does not exist")
    data = path.read_bytes()
    _refuse_unsafe_archive(data, str(path))
    try:
        return openpyxl.load_workbook(
            io.BytesIO(data),
            read_only=read_only,
            data_only=data_only,
            keep_vba=False,
            keep_links=False,
            rich_text=False,
        )
    except Exception as error:  # openpyxl raises many kinds on a malformed package; all mean the same here
        name = type(error).__name__
        cause = type(error.__cause__).__name__ if error.__cause__ else ""
        if "Forbidden" in name + cause:  # defusedxml: DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
            raise WorkbookError(f"{path}: XML entity declarations refused ({cause or name})") from None
        raise WorkbookError(f"{path} could not be read as an Excel workbook ({name}: {error})") from None


def sheet_grid(sheet) -> list[tuple]:
    """Every row of a sheet, row ``i`` at index ``i - 1``; a cell never typed is None.

    A read-only sheet is read whole, whatever its saved dimension says (some programs save a wrong one)."""
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    return [tuple(None if isinstance(c, EmptyCell) else c for c in row) for row in sheet.iter_rows()]


def grid_values(grid: list[tuple]) -> list[tuple]:
    """The cell values of a :func:`sheet_grid` (None where no cell is)."""
    return [tuple(None if c is None else c.value for c in row) for row in grid]


@dataclass
class SheetRows:
    """One data sheet read back: the table as CSV text and, for each row, the sheet row it came from."""

    frame: pd.DataFrame
    sheet_rows: list[int]
    letters: dict[str, str]  # column → letter in the edited sheet


def _where(sheet: str, row: int | None = None, column: str | None = None, letter: str | None = None) -> str:
    text = f"sheet '{sheet}'"
    if row:
        text += f", row {row}"
    if column:
        text += f", column '{column}'"
        if letter and row:
            text += f" (cell {letter}{row})"
    return text


def read_sheet(
    grid: list[tuple], saved: dict[tuple[int, int], object] | None, name: str, columns: list[str], kinds: dict[str, str]
) -> tuple[SheetRows | None, list[str], list[str]]:
    """A data sheet (its :func:`sheet_grid`) as CSV text by header name: (rows, warnings, problems). ``saved``
    holds the cached formula results by (row, column) (a ``data_only`` load), or is None when the sheet has
    no formulas."""
    warnings, problems = [], []
    header = [("" if c is None or c.value is None else str(c.value).strip()) for c in (grid[0] if grid else [])]
    position: dict[str, int] = {}
    for index, title in enumerate(header):
        letter = get_column_letter(index + 1)
        if title in position:
            problems.append(f"{_where(name, 1, title, letter)}: the column appears twice in the header")
        elif title:
            position[title] = index
    for column in columns:
        if column not in position:
            problems.append(
                f"{_where(name, 1, column)}: the column is missing from the header (renamed or deleted?); "
                f"the header must keep the names {', '.join(columns)}"
            )
    for title, index in position.items():
        if title not in columns:
            warnings.append(f"{_where(name, 1, title, get_column_letter(index + 1))}: extra column, ignored")
    for index, title in enumerate(header):
        if not title and any(
            len(r) > index and r[index] is not None and r[index].value not in (None, "") for r in grid[1:]
        ):
            warnings.append(f"{_where(name, column=get_column_letter(index + 1))}: column without a header, ignored")
    if problems:
        return None, warnings, problems
    records, sheet_rows = [], []
    for row, cells in enumerate(grid[1:], start=2):
        record = {}
        for column in columns:
            index = position[column]
            cell = cells[index] if index < len(cells) else None
            value = cell.value if cell is not None else None
            place = _where(name, row, column, get_column_letter(index + 1))
            if cell is not None and cell.data_type == "e":
                problems.append(f"{place}: the cell holds the Excel error {value}; type the value")
                continue
            if cell is not None and (cell.data_type == "f" or isinstance(value, (ArrayFormula, DataTableFormula))):
                formula = getattr(value, "text", value)
                cached = (saved or {}).get((row, index + 1))
                if cached is None:
                    problems.append(
                        f"{place}: the cell holds the formula {formula} and no saved result; type the "
                        "value instead (or open and save the file in Excel so that the result is stored)"
                    )
                    continue
                if str(formula).upper() not in ("=TRUE()", "=FALSE()"):  # LibreOffice saves booleans so
                    warnings.append(f"{place}: took the saved result {cached!r} of the formula {formula}")
                value = cached
            try:
                text, note = cell_text(
                    value, kinds.get(column, "string"), cell.number_format if cell is not None else "General"
                )
            except ValueError as error:
                problems.append(f"{place}: the cell {error}")
                continue
            if note:
                warnings.append(f"{place}: {note}")
            record[column] = text
        if any(v.strip() for v in record.values()) or len(record) < len(columns):
            records.append(record)
            sheet_rows.append(row)
    frame = pd.DataFrame(records, columns=columns, dtype=object).fillna("").astype(object)
    letters = {c: get_column_letter(position[c] + 1) for c in columns}
    return SheetRows(frame, sheet_rows, letters), warnings, problems


def keep_row_order(
    new: pd.DataFrame, sheet_rows: list[int], old: pd.DataFrame, key: list[str]
) -> tuple[pd.DataFrame, list[int], bool]:
    """Rows in CSV order when the sheet was sorted: existing rows keep their old order, each new row
    follows the row above it in the sheet. Returns (frame, sheet rows, whether the order was restored)."""
    keys = [tuple(r) for r in new[key].itertuples(index=False)] if key else []
    old_position = {k: i for i, k in enumerate(tuple(r) for r in old[key].itertuples(index=False))} if key else {}
    existing = [old_position[k] for k in keys if k in old_position]
    if not key or len(set(keys)) != len(keys) or existing == sorted(existing):
        return new, sheet_rows, False
    anchored: dict[int | None, list[int]] = {}
    anchor = None
    for i, k in enumerate(keys):
        if k in old_position:
            anchor = old_position[k]
        else:
            anchored.setdefault(anchor, []).append(i)
    by_old = {old_position[k]: i for i, k in enumerate(keys) if k in old_position}
    order = list(anchored.get(None, []))
    for position in sorted(by_old):
        order += [by_old[position], *anchored.get(position, [])]
    return new.iloc[order].reset_index(drop=True), [sheet_rows[i] for i in order], True


CHANGE_COLUMNS = ["table", "change", "key", "columns"]


def table_changes(name: str, old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Rows added, changed (with the columns that changed) and removed, by primary key."""

    def keyed(frame):
        return {"/".join(r[c] for c in key): r for r in frame.to_dict("records")}

    before, after = keyed(old), keyed(new)
    rows = []
    for k, row in after.items():
        if k not in before:
            rows.append((name, "added", k, ""))
        else:
            changed = [c for c in new.columns if row[c] != before[k].get(c, "")]
            if changed:
                rows.append((name, "changed", k, ", ".join(changed)))
    rows += [(name, "removed", k, "") for k in before if k not in after]
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _primary_key(descriptor: dict, name: str) -> list[str]:
    key = resource(descriptor, name)["schema"].get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def validate_tables(root: Path, tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """``validate_project`` on a temporary copy of ``data/`` holding ``tables`` in place of the curated CSVs."""
    from analysis import store
    from analysis.validate import validate_project

    with store.scratch_copy(root) as copy:
        try:
            plan = store.plan_files(tables, copy)
        except CuratedDataError as error:
            return error.problems
        store.commit_files(store.changed_files(plan.texts, copy), copy)
        return [store.to_logical(p, plan, store.read_descriptor(copy)) for p in validate_project(copy)]


def locate(problem: Problem, descriptor: dict, sheets: dict[str, SheetRows]) -> str:
    """A validation problem of a temporary CSV, told in sheet, row and column of the workbook."""
    from analysis.store import logical_label

    by_file = {logical_label(item): item["name"] for item in descriptor["resources"]}
    name = by_file.get(problem.file)
    if name is None or name not in sheets:
        tables = " and ".join(f"'{n}'" for n in ("targets", "excluded_numbers") if n in sheets)
        return (
            f"sheets {tables} ({problem.file}): {problem.message}"
            if problem.file.startswith("data/raw/")
            else str(problem)
        )
    read = sheets[name]
    column = problem.column.split(",")[0] if problem.column else ""
    row = None
    if problem.line == 1:
        row = 1
    elif 2 <= problem.line < len(read.sheet_rows) + 2:
        row = read.sheet_rows[problem.line - 2]
    return f"{_where(name, row, column or None, read.letters.get(column))}: {problem.message}"


@dataclass
class ImportPlan:
    """What importing a workbook would do: the new tables, the changes, warnings and problems."""

    path: Path
    changes: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # table → its new CSV text (the logical table)
    before: dict[str, str] = field(default_factory=dict)  # table → digest of the table on disk when planned
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)  # table → new table, for write_tables
    merged: list[str] = field(default_factory=list)  # rows kept from data changed since the export

    def summary_lines(self) -> list[str]:
        """What changed per table, then each change by primary key."""
        lines = []
        for table, rows in self.changes.groupby("table", sort=False):
            counts = rows["change"].value_counts()
            lines.append(
                f"{table}: {counts.get('added', 0)} added, {counts.get('changed', 0)} changed, "
                f"{counts.get('removed', 0)} removed"
            )
            for row in rows.itertuples():
                lines.append(f"  {row.change:8s} {row.key}" + (f"  [{row.columns}]" if row.columns else ""))
        if self.merged:
            lines.append(
                f"kept {len(self.merged)} row(s) changed in data/curated since this workbook was exported: "
                + ", ".join(self.merged[:20])
                + (" …" if len(self.merged) > 20 else "")
            )
        if self.texts:
            lines.append("tables to rewrite: " + ", ".join(self.texts))
        return lines or ["no changes: every table is as in data/curated/"]


STALE_HINT = (
    "nothing written. Export a fresh workbook (python -m analysis workbook export), make your edits of "
    "these rows there and import that one"
)


def plan_import(path: Path, root: Path = PROJECT_ROOT) -> ImportPlan:
    """Read and validate an edited workbook against the project at ``root``; writes nothing.

    The workbook's tables are merged row by row with the tables on disk through the state recorded
    at export (:mod:`analysis.workbook.state`): edits made in data/curated since then are kept, and
    a row edited on both sides is a problem naming it. Raises :class:`WorkbookError` when the file is
    no readable workbook, has no export record, or a data sheet is missing.
    """
    root = Path(root)
    workbook = open_workbook(path, read_only=True)
    descriptor = read_datapackage(root)
    names = [item["name"] for item in descriptor["resources"]]
    current = load_tables(root)
    state = parse_state(grid_values(sheet_grid(workbook[STATE_SHEET]))) if STATE_SHEET in workbook.sheetnames else None
    if state is None:
        raise WorkbookError(
            f"{path}: the workbook carries no record of the data it was exported from (its hidden sheet "
            f"'{STATE_SHEET}' is missing or damaged: exported by an older version, or copied into another "
            "file), so importing it could silently revert newer edits. Export a fresh workbook "
            "(python -m analysis workbook export), make your edits there and import that one."
        )
    generated = set(state.generated) | {STATE_SHEET}
    missing = [n for n in names if n not in workbook.sheetnames]
    if missing:
        unknown = [s for s in workbook.sheetnames if s not in names and s not in generated]
        hint = f"; sheets not from the export: {', '.join(repr(s) for s in unknown)} (renamed?)" if unknown else ""
        raise WorkbookError(
            f"{path}: sheet(s) {', '.join(repr(n) for n in missing)} missing. Each curated table must "
            f"keep its sheet, named as exported (a table added since the export needs a fresh export){hint}"
        )
    warnings = [
        f"sheet '{s}' is not part of the export; ignored"
        for s in workbook.sheetnames
        if s not in names and s not in generated
    ]
    grids = {name: sheet_grid(workbook[name]) for name in names}
    with_formulas = [
        n for n, grid in grids.items() if any(c is not None and c.data_type == "f" for r in grid for c in r)
    ]
    saved = {}
    if with_formulas:
        values = open_workbook(path, data_only=True, read_only=True)
        for name in with_formulas:
            saved[name] = {
                (r, c): value
                for r, row in enumerate(grid_values(sheet_grid(values[name])), start=1)
                for c, value in enumerate(row, start=1)
            }
    sheets, problems, new, merged = {}, [], {}, []
    for name in names:
        read, sheet_warnings, sheet_problems = read_sheet(
            grids[name],
            saved.get(name),
            name,
            list(current[name].columns),
            field_types(descriptor, name),
        )
        warnings += sheet_warnings
        problems += sheet_problems
        if read is None:
            continue
        key = _primary_key(descriptor, name)
        frame, rows, restored = keep_row_order(read.frame, read.sheet_rows, current[name], key)
        if restored:
            warnings.append(
                f"sheet '{name}': rows were sorted; the CSV keeps its row order (new rows follow the row above them)"
            )
        if state.tables.get(name) != table_digest(current[name]):  # data/curated changed since the export
            if name not in state.tables or not key:
                problems.append(
                    f"table '{name}' changed since this workbook was exported and cannot be "
                    f"merged row by row (no record of the table or no primary key); {STALE_HINT}"
                )
                continue
            merge = merge_table(name, state.rows.get(name, {}), current[name], frame, key)
            if merge.conflicts:
                problems += [f"conflict: {c}; {STALE_HINT}" for c in merge.conflicts]
                continue
            merged += [f"{name} {k}" for k in merge.kept_from_disk]
            position = {row_key(r, key): i for i, r in enumerate(frame[key].to_dict("records"))}
            frame = merge.frame
            rows = [
                read.sheet_rows[position[k]] if k in position else 0
                for k in (row_key(r, key) for r in frame[key].to_dict("records"))
            ]
        sheets[name] = SheetRows(frame, rows, read.letters)
        new[name] = frame
    changes = (
        pd.concat([table_changes(n, current[n], new[n], _primary_key(descriptor, n)) for n in new], ignore_index=True)
        if new
        else pd.DataFrame(columns=CHANGE_COLUMNS)
    )
    plan = ImportPlan(Path(path), changes, warnings, problems, merged=merged)
    if problems:
        return plan
    plan.problems = [locate(p, descriptor, sheets) for p in validate_tables(root, new)]
    if plan.problems:
        return plan
    for name, frame in new.items():
        text = frame_to_csv_text(frame)
        if text != frame_to_csv_text(current[name]):
            plan.texts[name], plan.before[name], plan.frames[name] = text, table_digest(current[name]), frame
    return plan


def apply_import(plan: ImportPlan, root: Path = PROJECT_ROOT) -> list[Path]:
    """Write the tables a valid plan changes (through ``analysis.curated.write_tables``); refuse if one of
    them changed on disk while the import was being checked."""
    if plan.problems:
        raise WorkbookError("the import has problems; nothing written")
    descriptor = read_datapackage(root)
    moved = [n for n, digest in plan.before.items() if table_digest(load_table(n, Path(root), descriptor)) != digest]
    if moved:
        raise WorkbookError(
            f"table(s) {', '.join(repr(n) for n in moved)} in data/curated changed while "
            "this import was being checked (another import or edit finished meanwhile); nothing written. "
            "Run the same import again: it keeps the newer rows, takes your edits row by row, and names "
            "any row edited on both sides."
        )
    if not plan.frames:
        return []
    return list(write_tables(plan.frames, Path(root), descriptor))


def import_workbook(path: Path, root: Path = PROJECT_ROOT, *, dry_run: bool = False) -> ImportPlan:
    """Plan the import and, unless ``dry_run`` or a problem was found, rewrite the changed tables."""
    plan = plan_import(path, root)
    if not plan.problems and not dry_run:
        apply_import(plan, root)
    return plan
