"""Recalculate workbooks in LibreOffice Calc (headless), the way a spreadsheet program opening them would.

Used to check that the workbook's formulas give the package's numbers (tests, ``benchmarks/``). LibreOffice
keeps the results an .xlsx file stores unless told otherwise, which would make such a check pass without
computing anything; the private profile written here sets Calc's "recalculation on file load" for Excel
files to *always*. All workbooks of one call are recalculated by one LibreOffice process (it starts in
about a second, then takes 2–3 s per workbook).

Debian: ``apt-get install libreoffice-calc-nogui`` (``scripts/system_packages.sh`` installs it).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

INSTALL_HINT = "Debian: apt-get install libreoffice-calc-nogui (bash scripts/system_packages.sh installs it)"

_ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, failed, or wrote no workbook."""


def find_libreoffice() -> str | None:
    """The ``soffice`` command, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(paths: Sequence[Path], out_dir: Path, *, timeout: float = 600) -> list[Path]:
    """Open each workbook in headless LibreOffice, recalculate every formula and save it as .xlsx in ``out_dir``.

    Returns the saved paths, in the order given. The file names must differ (they keep their names).
    """
    soffice = find_libreoffice()
    if soffice is None:
        raise LibreOfficeError(f"LibreOffice is not installed (no soffice on PATH). {INSTALL_HINT}")
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise LibreOfficeError(f"no workbook to recalculate at {', '.join(missing)}")
    names = [p.name for p in paths]
    if len(set(names)) != len(names):
        raise ValueError(f"workbooks to recalculate together need different file names: {names}")
    out_dir = Path(out_dir)
    if any(p.resolve().parent == out_dir.resolve() for p in paths):
        raise ValueError(f"{out_dir} holds a workbook to recalculate: save the results in another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in names:  # never read an earlier run's file as this run's result
        (out_dir / name).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="libreoffice-profile-") as profile:
        settings = Path(profile) / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(_ALWAYS_RECALCULATE, encoding="utf-8")
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",  # private profile: no clash with a running office
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir),
            *(str(p) for p in paths),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise LibreOfficeError(f"LibreOffice did not finish {names} within {timeout:.0f} s") from error
    results = [out_dir / name for name in names]
    missing = [p.name for p in results if not p.is_file()]
    if done.returncode != 0 or missing:
        said = " ".join(
            line for line in (done.stderr + done.stdout).splitlines() if line.strip() and "javaldx" not in line
        )[-500:]  # LibreOffice's own reason ("source file could not be loaded"), without its Java start-up notice
        raise LibreOfficeError(
            f"LibreOffice (exit {done.returncode}) wrote no recalculated {', '.join(missing) or 'workbook'}: {said}"
        )
    return results
