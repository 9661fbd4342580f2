"""Atomic file writes with ordinary modes: a temporary file beside the target, then one rename.

``tempfile.mkstemp`` creates files readable by their owner only (0600); a plain ``open(path, "w")``
gives ``0666 & ~umask`` to a new file and keeps the mode of an existing one. Every writer here gives
the file the mode a plain write would, so an atomic write is invisible to the file's permissions.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def current_umask() -> int:
    """The process umask (read without changing it where the system allows)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def plain_write_mode(path: Path) -> int:
    """The permission bits ``open(path, "w")`` would leave: the existing file's, else ``0666 & ~umask``."""
    try:
        return Path(path).stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def fsync_directory(folder: Path) -> None:
    """Make renames in ``folder`` durable (a no-op where directories cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_with(path: Path, save: Callable[[str], None], *, mode: int | None = None) -> None:
    """Atomically create ``path`` by calling ``save(temporary_path)``, then renaming it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wanted = plain_write_mode(path) if mode is None else mode
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        save(temporary)
        os.chmod(temporary, wanted)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write bytes atomically (fsynced before the rename), with the mode of a plain write."""

    def save(temporary: str) -> None:
        with open(temporary, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())

    write_with(path, save, mode=mode)


def write_text_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write UTF-8 text atomically (no newline translation), with the mode of a plain write."""
    write_bytes_atomic(path, text.encode("utf-8"), mode=mode)
