"""Raw corpus: read the immutable texts in ``data/raw/`` strictly as UTF-8 and fingerprint them."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pandas as pd

from analysis.normalize import NormalizedText, normalize
from analysis.paths import PROJECT_ROOT, current_root, raw_path


class TextEncodingError(ValueError):
    """A text file is not in the encoding the project requires."""


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _encoding_hint(data: bytes) -> str:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    return " It decodes as GBK/GB18030: re-save it as UTF-8."


def refuse_non_text(data: bytes, name: str) -> None:
    """Raise :class:`TextEncodingError` for UTF-16 (named as such) and for bytes holding NUL (binary or zero-filled)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TextEncodingError(
            f"{name}: is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 without BOM"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        kind = (
            "UTF-16 without a byte-order mark"
            if data[1:80:2].count(0) > 20 or data[0:80:2].count(0) > 20
            else "a binary or a damaged file (filled with zero bytes?)"
        )
        raise TextEncodingError(
            f"{name}: holds NUL bytes (first at byte {nul}, line {data[:nul].count(10) + 1}), so it is "
            f"not a text file: it looks like {kind}. Save it as UTF-8, or restore it"
        )


def decode_utf8_strict(data: bytes, name: str, *, allow_bom: bool = False) -> str:
    """Decode bytes as UTF-8 or raise :class:`TextEncodingError` naming the file, line and byte (UTF-16 and
    NUL bytes are refused by name)."""
    refuse_non_text(data, name)
    if data.startswith(codecs.BOM_UTF8):
        if not allow_bom:
            raise TextEncodingError(
                f"{name}: starts with a UTF-8 byte-order mark (BOM); offsets would shift by one. "
                "Save it as UTF-8 without BOM."
            )
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TextEncodingError(
            f"{name}: not valid UTF-8 at byte {error.start} (line {line}).{_encoding_hint(data)}"
        ) from None


def decode_text_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a plan supplied by a user: UTF-8, UTF-8 with BOM or GBK, and say which it was.

    Returns ``(text, encoding)``; raises :class:`TextEncodingError` when none fits.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise TextEncodingError(f"{name}: neither UTF-8 nor GBK/GB18030 (bad byte at {error.start})") from None


def read_raw_text(raw_file: str, root: Path = PROJECT_ROOT) -> str:
    """The decoded text of a raw file; offsets everywhere index this string."""
    path = raw_path(raw_file, root)
    if not path.is_file():
        raise FileNotFoundError(f"data/raw/{raw_file}: raw file is missing")
    return decode_utf8_strict(path.read_bytes(), f"data/raw/{raw_file}")


def load_texts(documents: pd.DataFrame, root: Path | None = None) -> dict[str, str]:
    """Raw text of every document in the manifest, keyed by ``doc_id`` (without ``root``, from
    :func:`analysis.paths.current_root`)."""
    root = root if root is not None else current_root()
    return {row.doc_id: read_raw_text(row.raw_file, root) for row in documents.itertuples()}


def normalized_bodies(documents: pd.DataFrame, texts: dict[str, str]) -> dict[str, NormalizedText]:
    """Each document's body (manifest offsets), normalised, with offsets mapped to the whole raw file."""
    bodies = {}
    for row in documents.itertuples():
        raw = texts[row.doc_id]
        start, end = int(row.body_char_start), int(row.body_char_end)
        normalised = normalize(raw[start:end])
        bodies[row.doc_id] = NormalizedText(normalised.text, tuple(i + start for i in normalised.raw_index))
    return bodies


def corpus_overview(documents: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """One row per document: genre, period, script and lengths of the raw file and its body."""
    frame = documents[["doc_id", "region_id", "genre", "period_label", "script"]].copy()
    frame["raw_chars"] = [len(texts[d]) for d in documents["doc_id"]]
    frame["body_chars"] = documents["body_char_end"].astype(int) - documents["body_char_start"].astype(int)
    return frame.reset_index(drop=True)
