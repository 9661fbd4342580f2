"""Where commands may write their outputs: never into ``data/`` (only the import commands write there), never
over a file that is not the command's own earlier output, unless the user says ``--force``."""

from __future__ import annotations

import zipfile
from pathlib import Path

KINDS = {
    "candidates_csv": "candidates CSV",
    "review_xlsx": "review workbook",
    "workbook_xlsx": "curated workbook",
}


class OutputRefused(ValueError):
    """An output path that would overwrite data or a file the command did not write."""


def _xlsx_part(path: Path, member: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)[:200_000].decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return ""


def is_own_output(path: Path, kind: str) -> bool:
    """Whether an existing file looks like an earlier output of the same command (or is empty)."""
    path = Path(path)
    if path.stat().st_size == 0:
        return True
    if kind == "candidates_csv":
        from analysis.extraction import CANDIDATE_COLUMNS

        with path.open("rb") as stream:
            first = stream.readline(65536).decode("utf-8", "replace").rstrip("\r\n")
        return first == ",".join(CANDIDATE_COLUMNS)
    if kind == "review_xlsx":
        sheets = _xlsx_part(path, "xl/workbook.xml")
        return all(f'name="{n}"' in sheets for n in ("read_me", "candidates", "other_numbers"))
    if kind == "workbook_xlsx":
        return "python -m analysis workbook export" in _xlsx_part(path, "docProps/core.xml")
    raise ValueError(f"unknown output kind {kind!r}")


def check_output(path: Path, root: Path, kind: str, *, force: bool = False, allowed: tuple[Path, ...] = ()) -> None:
    """Refuse (:class:`OutputRefused`) an output path in a missing folder, inside ``data/`` of ``root`` (except
    the ``allowed`` paths, e.g. the default workbook), or onto an existing file that is not this command's own
    output; ``force`` lifts the last two refusals."""
    path = Path(path)
    what = KINDS[kind]
    if not path.parent.is_dir():
        raise OutputRefused(f"{path}: the folder {path.parent} does not exist; create it first or choose another path")
    if path.is_dir():
        raise OutputRefused(f"{path}: is a folder; give the path of the {what} file to write")
    if force:
        return
    resolved = path.resolve()
    if resolved in {Path(a).resolve() for a in allowed}:
        return
    data = (Path(root) / "data").resolve()
    if resolved == data or data in resolved.parents:
        raise OutputRefused(
            f"{path}: lies inside data/, which holds the raw texts and the curated tables; only the import "
            f"commands write there. Write the {what} elsewhere (or pass --force if you really mean it)"
        )
    if path.exists() and not is_own_output(path, kind):
        raise OutputRefused(
            f"{path}: exists and is not a {what} written by this command; refusing to overwrite it. "
            "Choose another path (or pass --force)"
        )
