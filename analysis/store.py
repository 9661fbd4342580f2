"""How the curated tables lie on disk: one folder per region, one logical table per entity, and
all-or-nothing writes across files.

Layout (``data/curated/``):

- tables that belong to no region (``regions``, ``documents``, ``themes``, ``components``, indicator groups,
  national benchmarks, readings' metadata …) are one CSV each at the top, a resource whose ``path`` is a string;
- every document-level table is one CSV per region, ``regions/<region_id>/<table>.csv``, each with its header:
  one resource whose ``path`` is the list of the region files (a Frictionless multipart resource, one Table
  Schema for all regions). A row belongs to the region of its ``doc_id`` in ``documents.csv`` (or to its own
  ``region_id`` in a table without ``doc_id``). The logical table is the region files read in document order
  (the order of ``documents.csv``), each region's rows in file order.

Writes (:func:`commit_files`) hold an exclusive lock (``flock`` on the folder), stage every new file in
``data/curated/.transactions/<id>/``, then commit by writing ``commit.json`` there, then rename each file into
place. The next command that reads or writes finishes a committed transaction (or deletes an uncommitted one)
before anything else, so a crash at any point leaves either every file old or every file new.

Only :mod:`analysis.curated` (``load_tables``, ``load_table``, ``table_path``, ``write_tables``) should be used
by other modules; this module is its engine.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.atomic import fsync_directory, plain_write_mode, write_bytes_atomic
from analysis.csv_files import CuratedDataError, Problem, frame_to_csv_text

try:  # POSIX advisory locks; without them (Windows) writes are still atomic per transaction
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

CURATED = "data/curated/"
DATAPACKAGE = "datapackage.json"
REGIONS_DIR = "regions"
TRANSACTIONS_DIR = ".transactions"
LOCK_FILE = ".lock"  # not used any more: the lock is on the folder; ignored when copying
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: tables whose key is the document or the region itself stay at the top (they say where rows belong)
KEY_COLUMNS = ("doc_id", "region_id")


class CuratedWriteError(CuratedDataError):
    """Curated files could not be written (read-only, changed on disk, a row without a region …); nothing was written."""


class StaleDataError(CuratedWriteError):
    """Files changed on disk between reading them and writing (compare-and-swap failed); ``files`` names them."""

    def __init__(self, problems: list[Problem], files: list[str]):
        self.files = files
        super().__init__(problems)


def curated_dir(root: Path) -> Path:
    return Path(root) / "data" / "curated"


# ----------------------------------------------------------------------------------------------
# The descriptor


def read_descriptor(root: Path) -> dict:
    """``datapackage.json`` parsed; a missing file or a syntax error is a :class:`CuratedDataError` naming it."""
    label = CURATED + DATAPACKAGE
    path = curated_dir(root) / DATAPACKAGE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CuratedDataError([Problem(label, 0, "", "file is missing")]) from None
    except UnicodeDecodeError as error:
        raise CuratedDataError([Problem(label, 0, "", f"not valid UTF-8 at byte {error.start}")]) from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        raise CuratedDataError(
            [
                Problem(
                    label, error.lineno, "", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
                )
            ]
        ) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise CuratedDataError([Problem(label, 0, "resources", "the descriptor needs a list of resources")])
    return descriptor


def descriptor_text(descriptor: dict) -> str:
    """``datapackage.json`` as the project writes it (2-space indent, UTF-8 characters, final newline)."""
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def resource_parts(item: dict) -> list[str]:
    """The file(s) of a resource, relative to ``data/curated``."""
    path = item["path"]
    return list(path) if isinstance(path, list) else [path]


def is_per_region(item: dict) -> bool:
    return isinstance(item.get("path"), list)


def part_region(part: str) -> str | None:
    """``regions/<region_id>/<file>`` → ``region_id``."""
    bits = Path(part).parts
    return bits[1] if len(bits) == 3 and bits[0] == REGIONS_DIR else None


def _fields(item: dict) -> list[str]:
    return [f["name"] for f in item.get("schema", {}).get("fields", [])]


def _primary_key(item: dict) -> list[str]:
    key = item.get("schema", {}).get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def region_column(item: dict) -> str | None:
    """The column that places a row in a region folder, or None for a table that belongs to no region.

    A table with ``doc_id`` goes by its document's region, one with only ``region_id`` by that; the
    tables keyed by ``doc_id`` or ``region_id`` alone (the manifest and the regions) stay at the top."""
    if _primary_key(item) in (["doc_id"], ["region_id"]):
        return None
    for column in KEY_COLUMNS:
        if column in _fields(item):
            return column
    return None


def logical_label(item: dict) -> str:
    """How problems name a whole logical table: ``data/curated/<file name>``."""
    return CURATED + Path(resource_parts(item)[0]).name


def part_path(region: str, file_name: str) -> str:
    return f"{REGIONS_DIR}/{region}/{file_name}"


# ----------------------------------------------------------------------------------------------
# Locks and recovery

_held: dict[str, list] = {}  # curated dir → [file descriptor or None, exclusive, depth]


@contextmanager
def locked(root: Path, *, exclusive: bool):
    """Hold the store's lock, an advisory ``flock`` on the ``data/curated`` folder itself (no lock file, so
    reading writes nothing and works on a read-only folder); re-entrant within a process. Pending
    transactions of a crashed writer are finished (or rolled back) first."""
    folder = curated_dir(root)
    key = str(folder.resolve())
    if key in _held:
        state = _held[key]
        if exclusive and not state[1] and state[0] is not None and fcntl is not None:
            fcntl.flock(state[0], fcntl.LOCK_EX)
        state[1] = state[1] or exclusive
        state[2] += 1
        try:
            yield
        finally:
            state[2] -= 1
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        handle = None  # a missing folder: reading reports the missing files
    if handle is not None and fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    _held[key] = state = [handle, exclusive, 1]
    try:
        if handle is not None and _pending(folder):
            if not writable(folder):
                raise _read_only(folder)
            if not exclusive and fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)  # a crashed writer left a transaction: finish it first
            state[1] = True
            recover(root)
        yield
    finally:
        del _held[key]
        if handle is not None:
            os.close(handle)  # releases the lock


def writable(path: Path) -> bool:
    """Whether a plain write may change ``path``: the owner's write bit is set and the process may write (the
    mode bit counts even for root, who ignores modes: a 0444 file was made read-only on purpose)."""
    try:
        return bool(path.stat().st_mode & stat.S_IWUSR) and os.access(path, os.W_OK)
    except FileNotFoundError:
        return True


def _read_only(folder: Path) -> CuratedWriteError:
    where = CURATED.rstrip("/")
    pending = (
        " An interrupted write is waiting in data/curated/.transactions/ to be finished." if _pending(folder) else ""
    )
    return CuratedWriteError(
        [
            Problem(
                where,
                0,
                "",
                f"the folder is not writable (read-only?): nothing written.{pending} "
                "Make it writable (chmod u+w) and run the command again.",
            )
        ]
    )


def _pending(folder: Path) -> bool:
    transactions = folder / TRANSACTIONS_DIR
    try:
        return any(transactions.iterdir())
    except OSError:
        return False


def recover(root: Path) -> list[str]:
    """Finish every committed transaction and delete every uncommitted one (call under the exclusive lock).

    Returns one line per transaction, saying what was done."""
    folder = curated_dir(root)
    transactions = folder / TRANSACTIONS_DIR
    done = []
    if not transactions.is_dir():
        return done
    for entry in sorted(transactions.iterdir()):
        commit = entry / "commit.json"
        if entry.is_dir() and commit.is_file():
            record = json.loads(commit.read_text(encoding="utf-8"))
            files = record["files"]
            for relative in files:
                staged = entry / "files" / relative
                if staged.exists():
                    target = folder / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staged, target)
                    fsync_directory(target.parent)
            for relative in record.get("delete", []):
                (folder / relative).unlink(missing_ok=True)
            done.append(f"finished an interrupted write of {len(files)} file(s)")
        else:
            done.append("rolled back an interrupted write that had not committed")
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    try:
        transactions.rmdir()
    except OSError:
        pass
    return done


# ----------------------------------------------------------------------------------------------
# Reading


@dataclass
class Loaded:
    """The logical tables plus, for each row, the file and line it came from."""

    descriptor: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # rows in table order
    stream: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # rows in file order (Frictionless)


def _document_order(documents: pd.DataFrame | None) -> tuple[dict[str, int], dict[str, str]]:
    if documents is None or "doc_id" not in documents.columns:
        return {}, {}
    order = {d: i for i, d in enumerate(documents["doc_id"])}
    regions = dict(zip(documents["doc_id"], documents["region_id"])) if "region_id" in documents.columns else {}
    return order, regions


def _sort_key(
    frame: pd.DataFrame, column: str | None, doc_order: dict[str, int], region_order: dict[str, int]
) -> list[int]:
    if column == "doc_id" and "doc_id" in frame.columns:
        return [doc_order.get(v, len(doc_order)) for v in frame["doc_id"]]
    if column == "region_id" and "region_id" in frame.columns:
        return [region_order.get(v, len(region_order)) for v in frame["region_id"]]
    return [0] * len(frame)


def _read_resource(
    item: dict, root: Path, doc_order: dict[str, int], region_order: dict[str, int]
) -> tuple[pd.DataFrame, list[tuple[str, int]], list[tuple[str, int]]]:
    from analysis.csv_files import read_csv_records

    folder = curated_dir(root)
    parts = resource_parts(item)
    frames, stream, problems = [], [], []
    first_header, first_label = None, None
    for part in parts:
        label = CURATED + part
        try:
            header, rows, lines = read_csv_records(folder / part, label)
        except CuratedDataError as error:
            problems.extend(error.problems)
            continue
        missing = [c for c in _fields(item) if c not in header]
        if missing:
            problems += [Problem(label, 1, c, "required column is missing from the header") for c in missing]
            continue
        if first_header is None:
            first_header, first_label = header, label
        elif header != first_header:
            problems.append(
                Problem(
                    label,
                    1,
                    "",
                    f"the header differs from {first_label}: every region's file of a table "
                    f"has the same columns in the same order ({', '.join(first_header)})",
                )
            )
            continue
        frames.append(pd.DataFrame(rows, columns=header, dtype=object).astype(object))
        stream += [(label, line) for line in lines]
    if problems:
        raise CuratedDataError(problems)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    sources = list(stream)
    if region_column(item):  # document-level tables read in the order of documents.csv, whatever the layout
        keys = _sort_key(frame, region_column(item), doc_order, region_order)
        order = sorted(range(len(frame)), key=lambda i: keys[i])  # stable: file order within a document
        frame = frame.iloc[order].reset_index(drop=True)
        sources = [stream[i] for i in order]
    return frame, sources, stream


def load(root: Path) -> Loaded:
    """Every resource of the Data Package as a text DataFrame, with row sources; all problems raised together."""
    with locked(root, exclusive=False):
        descriptor = read_descriptor(root)
        loaded = Loaded(descriptor)
        problems = []
        items = {item.get("name"): item for item in descriptor["resources"]}
        first = [n for n in ("documents", "regions") if n in items and not is_per_region(items[n])]
        for name in first + [n for n in items if n not in first]:
            doc_order, _ = _document_order(loaded.tables.get("documents"))
            regions = loaded.tables.get("regions")
            region_order = (
                {r: i for i, r in enumerate(regions["region_id"])}
                if regions is not None and "region_id" in regions
                else {}
            )
            try:
                frame, sources, stream = _read_resource(items[name], root, doc_order, region_order)
            except CuratedDataError as error:
                problems.extend(error.problems)
                continue
            loaded.tables[name], loaded.sources[name], loaded.stream[name] = frame, sources, stream
        if problems:
            raise CuratedDataError(problems)
        loaded.tables = {n: loaded.tables[n] for n in items}  # descriptor order
        return loaded


def load_one(name: str, root: Path, descriptor: dict | None = None) -> pd.DataFrame:
    """One logical table (reads ``documents`` too when the table is per region, for the row order)."""
    with locked(root, exclusive=False):
        descriptor = descriptor or read_descriptor(root)
        item = _resource(descriptor, name)
        doc_order, region_order = {}, {}
        if is_per_region(item):
            for other in ("documents", "regions"):
                try:
                    frame, _, _ = _read_resource(_resource(descriptor, other), root, {}, {})
                except (KeyError, CuratedDataError):
                    continue
                if other == "documents":
                    doc_order, _ = _document_order(frame)
                elif "region_id" in frame.columns:
                    region_order = {r: i for i, r in enumerate(frame["region_id"])}
        return _read_resource(item, root, doc_order, region_order)[0]


def _resource(descriptor: dict, name: str) -> dict:
    for item in descriptor["resources"]:
        if item.get("name") == name:
            return item
    raise KeyError(f"datapackage.json has no resource {name!r}")


# ----------------------------------------------------------------------------------------------
# Writing


@dataclass
class FilePlan:
    """What writing some logical tables means on disk: new text per file, and where each row lands."""

    texts: dict[str, str]  # file relative to data/curated → text (datapackage.json included when it changes)
    placement: dict[str, list[tuple[str, int]]]  # table → (file label, line) of each row, in the frame's order

    def where(self, name: str, index: int) -> tuple[str, int]:
        return self.placement[name][index]

    def which(self, label: str, line: int) -> tuple[str, int] | None:
        """The (table, row index of the frame written) a file line holds, or None."""
        for name, rows in self.placement.items():
            for index, spot in enumerate(rows):
                if spot == (label, line):
                    return name, index
        return None


def _records(frame: pd.DataFrame) -> tuple[str, list[int]]:
    """CSV text of a frame (exactly :func:`analysis.curated.frame_to_csv_text`) and the line each row starts on."""

    def record(cells) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(["" if cell is None else str(cell) for cell in cells])
        return buffer.getvalue()

    chunks = [record(frame.columns)]
    lines, line = [], chunks[0].count("\n") + 1
    for row in frame.itertuples(index=False):
        chunks.append(record(row))
        lines.append(line)
        line += chunks[-1].count("\n")
    return "".join(chunks), lines


def _on_disk(root: Path, relative: str) -> str | None:
    try:
        return (curated_dir(root) / relative).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def _header_text(root: Path, item: dict, columns: list[str] | None) -> str:
    if columns is not None:
        return frame_to_csv_text(pd.DataFrame(columns=columns))
    for part in resource_parts(item):
        text = _on_disk(root, part)
        if text:
            return text.split("\n", 1)[0] + "\n"
    return frame_to_csv_text(pd.DataFrame(columns=_fields(item)))


def plan_files(frames: dict[str, pd.DataFrame], root: Path, descriptor: dict | None = None) -> FilePlan:
    """The files (and ``datapackage.json``) that hold ``frames``; raises :class:`CuratedWriteError` when a
    row of a per-region table has no region (its ``doc_id`` is not in ``documents``)."""
    root = Path(root)
    descriptor = json.loads(json.dumps(descriptor or read_descriptor(root)))
    items = {item["name"]: item for item in descriptor["resources"]}
    unknown = [n for n in frames if n not in items]
    if unknown:
        raise KeyError(f"datapackage.json has no resource {unknown[0]!r}")
    documents = frames.get("documents")
    if documents is None and "documents" in items:
        try:
            documents = load_one("documents", root, descriptor)
        except CuratedDataError:
            documents = None
    regions = frames.get("regions")
    if regions is None and "regions" in items:
        try:
            regions = load_one("regions", root, descriptor)
        except CuratedDataError:
            regions = None
    doc_order, doc_region = _document_order(documents)
    region_ids = list(regions["region_id"]) if regions is not None and "region_id" in regions.columns else []
    region_order = {r: i for i, r in enumerate(region_ids)}
    texts, placement, problems = {}, {}, []
    for name, item in items.items():
        if not is_per_region(item):
            continue
        known = [r for r in (part_region(p) for p in resource_parts(item)) if r]
        wanted = known + [r for r in region_ids + list(dict.fromkeys(doc_region.values())) if r and r not in known]
        wanted = list(dict.fromkeys(wanted))
        bad = [r for r in wanted if not SAFE_NAME.match(str(r))]
        if bad:
            problems += [
                Problem(
                    CURATED + "documents.csv",
                    0,
                    "region_id",
                    f"{r!r} cannot name a folder (letters, digits, _ . - only)",
                )
                for r in bad
            ]
            continue
        file_name = Path(resource_parts(item)[0]).name
        if name in frames:
            frame = frames[name]
            column = region_column(item)
            keys = _sort_key(frame, column, doc_order, region_order)
            order = sorted(range(len(frame)), key=lambda i: keys[i])
            if column == "doc_id":
                row_regions = [doc_region.get(v) for v in frame["doc_id"]]
            else:
                row_regions = list(frame[column]) if column in frame.columns else [None] * len(frame)
            for index, region in enumerate(row_regions):
                if not region:
                    value = frame[column].iloc[index] if column in frame.columns else ""
                    problems.append(
                        Problem(
                            logical_label(item),
                            index + 2,
                            column or "",
                            f"{value!r} is not in documents.csv, so the row has no region folder"
                            if column == "doc_id"
                            else f"{value!r} names no region",
                        )
                    )
                elif region not in wanted:
                    wanted.append(region)
            spots: list[tuple[str, int] | None] = [None] * len(frame)
            for region in wanted:
                rows = [i for i in order if row_regions[i] == region]
                text, lines = _records(frame.iloc[rows].reset_index(drop=True))
                relative = part_path(region, file_name)
                texts[relative] = text
                for i, line in zip(rows, lines):
                    spots[i] = (CURATED + relative, line)
            placement[name] = spots
        else:
            for region in wanted[len(known) :]:
                texts[part_path(region, file_name)] = _header_text(root, item, None)
        item["path"] = [part_path(r, file_name) for r in wanted]
    for name, frame in frames.items():
        item = items[name]
        if is_per_region(item):
            continue
        keys = _sort_key(frame, region_column(item), doc_order, region_order)
        order = sorted(range(len(frame)), key=lambda i: keys[i])
        text, lines = _records(frame.iloc[order])
        lines = [line for _, line in sorted(zip(order, lines))]
        texts[item["path"]] = text
        placement[name] = [(CURATED + item["path"], line) for line in lines]
    if problems:
        raise CuratedWriteError(problems)
    new_descriptor = descriptor_text(descriptor)
    if json.loads(new_descriptor) != read_descriptor(root):
        texts[DATAPACKAGE] = new_descriptor
    return FilePlan(texts, placement)


def snapshot(root: Path, descriptor: dict | None = None) -> dict[str, str | None]:
    """The text of ``datapackage.json`` and of every table file (None for a missing file)."""
    with locked(root, exclusive=False):
        descriptor = descriptor or read_descriptor(root)
        files = [DATAPACKAGE] + [p for item in descriptor["resources"] for p in resource_parts(item)]
        return {f: _on_disk(root, f) for f in files}


def changed_files(texts: dict[str, str], root: Path) -> dict[str, str]:
    """Only the files whose text differs from what is on disk."""
    return {f: t for f, t in texts.items() if _on_disk(root, f) != t}


def commit_files(
    texts: dict[str, str], root: Path, *, expect: dict[str, str | None] | None = None, delete: tuple[str, ...] = ()
) -> list[Path]:
    """Write several files of ``data/curated`` all or nothing (see the module docstring); ``delete`` lists files
    removed in the same transaction.

    ``expect`` (file → text it must still have, None: must not exist) turns the write into a
    compare-and-swap: when another command changed one of those files meanwhile, nothing is written and
    :class:`CuratedWriteError` names the files. Read-only files are refused, never replaced."""
    root = Path(root)
    folder = curated_dir(root)
    if not texts and not delete:
        return []
    with locked(root, exclusive=True):
        if expect:
            moved = [f for f, text in expect.items() if _on_disk(root, f) != text]
            if moved:
                raise StaleDataError(
                    [
                        Problem(
                            CURATED + f,
                            0,
                            "",
                            "changed on disk since the data was read; nothing written. "
                            "Run the command again on the current data",
                        )
                        for f in moved
                    ],
                    moved,
                )
        if not writable(folder):
            raise _read_only(folder)
        refused = []
        for relative in texts:
            target = folder / relative
            parent = next((p for p in target.parents if p.exists()), folder)
            if not writable(parent):
                refused.append(
                    Problem(
                        CURATED + relative,
                        0,
                        "",
                        f"its folder {parent.relative_to(root).as_posix()} is not "
                        "writable; nothing written. Make it writable (chmod u+w) if the file may change",
                    )
                )
            elif not writable(target):
                mode = target.stat().st_mode & 0o777
                refused.append(
                    Problem(
                        CURATED + relative,
                        0,
                        "",
                        f"the file is read-only (mode {mode:04o}); nothing written. "
                        "Make it writable (chmod u+w) if it may change",
                    )
                )
        if refused:
            raise CuratedWriteError(refused)
        transaction = folder / TRANSACTIONS_DIR / f"{time.time_ns()}-{os.getpid()}"
        try:
            staged_root = transaction / "files"
            for relative, text in texts.items():
                staged = staged_root / relative
                staged.parent.mkdir(parents=True, exist_ok=True)
                with open(staged, "wb") as stream:
                    stream.write(text.encode("utf-8"))
                    stream.flush()
                    os.fsync(stream.fileno())
                os.chmod(staged, plain_write_mode(folder / relative))
            write_bytes_atomic(
                transaction / "commit.json", json.dumps({"files": list(texts), "delete": list(delete)}).encode("utf-8")
            )
            fsync_directory(transaction)
        except BaseException as error:
            shutil.rmtree(transaction, ignore_errors=True)
            if isinstance(error, PermissionError):
                raise _read_only(folder) from None
            raise
        written = []  # committed: from here on, a crash is finished by the next command
        for relative in texts:
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(transaction / "files" / relative, target)
            written.append(target)
        for relative in delete:
            (folder / relative).unlink(missing_ok=True)
        for directory in {t.parent for t in written}:
            fsync_directory(directory)
        shutil.rmtree(transaction, ignore_errors=True)
        try:
            (folder / TRANSACTIONS_DIR).rmdir()
        except OSError:
            pass
        return written


def write(frames: dict[str, pd.DataFrame], root: Path, descriptor: dict | None = None) -> list[Path]:
    """Write whole logical tables (only files whose text changes); all or nothing."""
    with locked(root, exclusive=True):
        plan = plan_files(frames, root, descriptor)
        return commit_files(changed_files(plan.texts, root), root)


# ----------------------------------------------------------------------------------------------
# Checks for validate


def relocate(problems: list[Problem], loaded: Loaded) -> list[Problem]:
    """Problems told in logical-table lines (``data/curated/targets.csv``, line = row index + 2) → the region file
    and its line."""
    by_label = {}
    for item in loaded.descriptor["resources"]:
        if is_per_region(item) and item["name"] in loaded.sources:
            by_label[logical_label(item)] = item
    out = []
    for problem in problems:
        item = by_label.get(problem.file)
        if item is None:
            out.append(problem)
            continue
        sources = loaded.sources[item["name"]]
        index = problem.line - 2
        if problem.line >= 2 and index < len(sources):
            label, line = sources[index]
            out.append(Problem(label, line, problem.column, problem.message))
        else:
            where = CURATED + part_path("*", Path(resource_parts(item)[0]).name)
            out.append(Problem(where, 1 if problem.line == 1 else 0, problem.column, problem.message))
    return out


def stream_location(loaded: Loaded, name: str, row_number: int) -> tuple[str, int] | None:
    """A Frictionless row number of a resource (header = row 1, parts concatenated) → file and line."""
    stream = loaded.stream.get(name)
    if stream is None or not 2 <= row_number < len(stream) + 2:
        return None
    return stream[row_number - 2]


def layout_problems(root: Path, loaded: Loaded) -> list[Problem]:
    """Rows in the wrong region folder, region files the descriptor does not list, region files whose
    last line has no line break, and stray temporary files under ``data/``."""
    root = Path(root)
    folder = curated_dir(root)
    problems = []
    documents = loaded.tables.get("documents")
    _, doc_region = _document_order(documents)
    listed = set()
    for item in loaded.descriptor["resources"]:
        parts = resource_parts(item)
        listed.update(parts)
        if not is_per_region(item):
            continue
        column = region_column(item)
        frame = loaded.tables.get(item["name"])
        for index, (label, line) in enumerate(loaded.sources.get(item["name"], [])):
            value = frame[column].iloc[index] if column in frame.columns else ""
            region = doc_region.get(value) if column == "doc_id" else value
            here = part_region(label[len(CURATED) :])
            if region and region != here:
                problems.append(
                    Problem(
                        label,
                        line,
                        column,
                        f"{value!r} belongs to region {region}: move the row to "
                        f"{CURATED}{part_path(region, Path(parts[0]).name)}",
                    )
                )
        for part in parts:
            text = _on_disk(root, part)
            if text and not text.endswith(("\n", "\r")):
                problems.append(
                    Problem(
                        CURATED + part,
                        text.count("\n") + 1,
                        "",
                        "the last line has no line break (was "
                        "the file cut short?); Frictionless would join it to the next region's first row",
                    )
                )
    for path in sorted(folder.glob("*.csv")):
        if path.name not in listed:
            problems.append(
                Problem(
                    CURATED + path.name,
                    0,
                    "",
                    "this file is not listed in datapackage.json, so no "
                    "command reads it (a flat copy of a per-region table? `python -m analysis migrate` "
                    "says what to do)",
                )
            )
    regions = folder / REGIONS_DIR
    if regions.is_dir():
        for path in sorted(regions.rglob("*.csv")):
            relative = path.relative_to(folder).as_posix()
            if relative not in listed:
                problems.append(
                    Problem(
                        CURATED + relative,
                        0,
                        "",
                        "this file is not listed in datapackage.json, so no "
                        "command reads it: run `python -m analysis migrate` to list it",
                    )
                )
    data = root / "data"
    for path in sorted(data.rglob("*")):
        name = path.name
        if (
            path.is_file()
            and (name.endswith(".tmp") or name.startswith((".~lock", "~$")))
            and TRANSACTIONS_DIR not in path.parts
        ):
            problems.append(
                Problem(
                    path.relative_to(root).as_posix(),
                    0,
                    "",
                    "stray temporary file (left by an "
                    "interrupted write or an open editor); delete it once you are sure nothing in it is needed",
                )
            )
    return problems


# ----------------------------------------------------------------------------------------------
# Scratch copies (validate a change before making it)

COPY_IGNORE = shutil.ignore_patterns(TRANSACTIONS_DIR, LOCK_FILE, "_staging", "*.xlsx", "~$*", ".~lock*", "*.tmp")


@contextmanager
def scratch_copy(root: Path):
    """A temporary project root with a writable copy of ``data/`` (``data/raw`` linked, not copied), so that a
    change can be written and validated there first, even when the real ``data/curated`` is read-only."""
    import tempfile

    root = Path(root)
    with locked(root, exclusive=False), tempfile.TemporaryDirectory(prefix="curated-scratch-") as temporary:
        copy = Path(temporary)
        (copy / "data").mkdir()
        for entry in (root / "data").iterdir():
            if entry.name == "raw" and entry.is_dir():
                (copy / "data" / "raw").symlink_to(entry.resolve(), target_is_directory=True)
            elif entry.is_dir():
                shutil.copytree(entry, copy / "data" / entry.name, ignore=COPY_IGNORE, copy_function=shutil.copyfile)
            elif not entry.name.endswith(".tmp"):
                shutil.copyfile(entry, copy / "data" / entry.name)
        for folder, _, _ in os.walk(copy / "data"):
            if not Path(folder).is_symlink():
                os.chmod(folder, 0o700)
        yield copy


def to_logical(problem: Problem, plan: FilePlan, descriptor: dict) -> Problem:
    """A problem located in a file written by ``plan`` → the logical table and the row index + 2 of the frame
    that was written (so an importer can name its sheet row)."""
    hit = plan.which(problem.file, problem.line)
    if hit is None:
        return problem
    name, index = hit
    return Problem(logical_label(_resource(descriptor, name)), index + 2, problem.column, problem.message)


def unlocate(problem: Problem, loaded: Loaded) -> Problem:
    """The inverse of :func:`relocate`: a problem in a region file → its logical table and row index + 2."""
    for item in loaded.descriptor["resources"]:
        if not is_per_region(item):
            continue
        sources = loaded.sources.get(item["name"], [])
        if (problem.file, problem.line) in sources:
            index = sources.index((problem.file, problem.line))
            return Problem(logical_label(item), index + 2, problem.column, problem.message)
    return problem
