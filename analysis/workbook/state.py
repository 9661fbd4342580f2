"""What data a workbook was exported from, and a row-by-row merge with the data as it is now.

Export records, in the hidden sheet ``_export_state``, a digest of every curated table and of every
row (by primary key), and the names of the sheets it generated. Import compares three states of
each table: the rows at export (their digests), the rows on disk now, and the rows of the workbook.
A row changed only in the workbook takes the workbook's version; a row changed only on disk since
the export keeps the disk's version (so a stale workbook never reverts newer edits); a row changed
differently in both is a conflict, named, and nothing is written. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd

STATE_SHEET = "_export_state"
STATE_HEADER = ["record", "table", "key", "digest"]
FORMAT = "edu-plans-workbook-state/1"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_digest(values) -> str:
    """Digest of one row's cells (as CSV text), in column order."""
    return digest(json.dumps([str(v) for v in values], ensure_ascii=False))[:32]


def row_key(record: dict, key: list[str]) -> str:
    return "/".join(str(record[c]) for c in key)


def table_digest(frame: pd.DataFrame) -> str:
    """Digest of a whole table: its columns and every row, in order."""
    return digest(
        json.dumps(
            [list(frame.columns), *(list(map(str, r)) for r in frame.itertuples(index=False))], ensure_ascii=False
        )
    )


def state_rows(tables: dict[str, pd.DataFrame], keys: dict[str, list[str]], generated: list[str]) -> list[list[str]]:
    """The rows of the state sheet: format, generated sheets, then per table its digest and each row's."""
    rows = [STATE_HEADER, ["format", "", "", FORMAT]]
    rows += [["generated_sheet", name, "", ""] for name in generated]
    for name, frame in tables.items():
        rows.append(["table", name, "", table_digest(frame)])
        key = keys.get(name) or []
        for record in frame.to_dict("records"):
            rows.append(["row", name, row_key(record, key) if key else "", row_digest(record.values())])
    return rows


@dataclass
class ExportState:
    """The state sheet read back."""

    tables: dict[str, str] = field(default_factory=dict)  # table → digest at export
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # table → key → row digest
    generated: list[str] = field(default_factory=list)


def parse_state(grid: list[list]) -> ExportState | None:
    """The export state from the state sheet's cell values; None when the sheet is not one we wrote."""
    if not grid or [str(v or "") for v in grid[0][:4]] != STATE_HEADER:
        return None
    state, seen_format = ExportState(), False
    for row in grid[1:]:
        record, table, key, value = (("" if v is None else str(v)) for v in (list(row) + [None] * 4)[:4])
        if record == "format":
            seen_format = value == FORMAT
        elif record == "generated_sheet":
            state.generated.append(table)
        elif record == "table":
            state.tables[table] = value
        elif record == "row":
            state.rows.setdefault(table, {})[key] = value
    return state if seen_format else None


@dataclass
class Merge:
    """A table merged from the workbook and the data on disk."""

    frame: pd.DataFrame
    conflicts: list[str]
    kept_from_disk: list[str]  # keys whose newer version on disk was kept


def merge_table(name: str, base: dict[str, str], current: pd.DataFrame, edited: pd.DataFrame, key: list[str]) -> Merge:
    """Three-way merge by primary key of the workbook's table (``edited``) into the table on disk now
    (``current``), given the row digests at export (``base``). Rows keep the disk's order; rows new in
    the workbook follow at the end, in the workbook's order."""
    columns = list(current.columns)
    now = {row_key(r, key): r for r in current.to_dict("records")}
    mine = {row_key(r, key): r for r in edited[columns].to_dict("records")}
    out, conflicts, kept = [], [], []

    def changed(record, k):
        return row_digest(record[c] for c in columns) != base.get(k)

    for k, disk in now.items():
        if k in base:
            disk_changed = changed(disk, k)
            if k in mine:
                book_changed = changed(mine[k], k)
                if book_changed and disk_changed and mine[k] != disk:
                    conflicts.append(
                        f"{name} {k}: changed in this workbook ("
                        + ", ".join(c for c in columns if mine[k][c] != disk[c])
                        + ") and, differently, in data/curated since it was exported"
                    )
                    out.append(disk)
                elif book_changed:
                    out.append(mine[k])
                else:
                    if disk_changed:
                        kept.append(k)
                    out.append(disk)
            elif disk_changed:
                conflicts.append(
                    f"{name} {k}: deleted in this workbook but changed in data/curated since it was exported"
                )
                out.append(disk)
        else:  # added on disk since the export
            if k in mine and mine[k] != disk:
                conflicts.append(
                    f"{name} {k}: added both in this workbook and in data/curated since it was exported, "
                    "with different values"
                )
            kept.append(k)
            out.append(disk)
    for k, record in mine.items():
        if k in now:
            continue
        if k in base:  # deleted on disk since the export
            if changed(record, k):
                conflicts.append(
                    f"{name} {k}: changed in this workbook but deleted from data/curated since it was exported"
                )
        else:
            out.append(record)
    frame = pd.DataFrame(out, columns=columns, dtype=object).fillna("").astype(object)
    return Merge(frame, conflicts, kept)
