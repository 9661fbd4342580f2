"""Execute the numbered notebooks in a fresh kernel and render them to HTML.

The notebooks in ``notebooks/`` are kept without outputs (see :func:`outputs_present`); executed
copies and HTML renderings go to ``reports/notebooks/`` for colleagues without Jupyter.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.paths import ROOT_VARIABLE

if TYPE_CHECKING:  # nbformat (and the jsonschema it loads) is imported where a notebook is read, not here
    import nbformat

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")


def without_addresses(text: str) -> str:
    """Plain text of a shown object without its memory address (``<Styler at 0x7f…>`` → ``<Styler>``), which
    differs on every run and would make two runs of the same notebook differ."""
    return _ADDRESS.sub(">", text)


def notebook_paths(folder: Path) -> list[Path]:
    """The numbered notebooks, in order (``01-…ipynb``, ``02-…``)."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))


def outputs_present(notebook: nbformat.NotebookNode) -> bool:
    """True when any code cell carries outputs or an execution count (notebooks in git must not)."""
    return any(
        cell.get("outputs") or cell.get("execution_count") for cell in notebook.cells if cell.cell_type == "code"
    )


def strip_outputs(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook with outputs and execution counts removed."""
    import nbformat

    clean = nbformat.from_dict(notebook)
    for cell in clean.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return clean


def execute_notebook(
    path: Path, working_dir: Path, timeout: int = 600, root: Path | None = None
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh python3 kernel in ``working_dir``; raise on the first failing cell.

    With ``root``, the notebook's ``load_tables()`` reads that project's data instead of this checkout's."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(working_dir)}},
        # the kernel's own start-up notices (TCP on localhost) are not the researcher's concern; errors still show
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    env = {**os.environ, ROOT_VARIABLE: str(Path(root).resolve())} if root is not None else None
    from nbclient.exceptions import CellExecutionError

    try:
        client.execute(**({"env": env} if env else {}))
    except CellExecutionError as error:
        raise NotebookError(_failure_message(path, notebook, error)) from None
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            plain = output.get("data", {}).get("text/plain")
            if plain is not None:
                output["data"]["text/plain"] = without_addresses(plain)
    return notebook


class NotebookError(RuntimeError):
    """A notebook's cell failed in the kernel; the message names the notebook, the cell and the error."""


def _failure_message(path: Path, notebook, error) -> str:
    """``notebooks/x.ipynb, code cell 3 (`figures.draw(…)`): KeyError: 'x'`` without the kernel's colour codes."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    failed = next(
        (n for n, cell in enumerate(code, 1) if any(o.get("output_type") == "error" for o in cell.get("outputs", []))),
        None,
    )
    where = ""
    if failed is not None:
        first = next((line for line in code[failed - 1].source.splitlines() if line.strip()), "")
        where = f", code cell {failed} (`{first.strip()[:80]}`)"
    value = re.sub(r"\x1b\[[0-9;]*m", "", str(error.evalue))
    return (
        f"{Path(path).name}{where}: {error.ename}: {value}. "
        "Open the notebook in JupyterLab and run it to see the whole traceback."
    )


def notebook_title(notebook: nbformat.NotebookNode, fallback: str = "Notebook") -> str:
    """The notebook's own title: the first Markdown heading (``# 学前教育 · Kindergarten coverage``)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return fallback


def to_html(notebook: nbformat.NotebookNode, title: str | None = None) -> str:
    """A standalone HTML rendering titled after the notebook (no execution timestamps)."""
    from nbconvert import HTMLExporter

    name = title or notebook_title(notebook)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook, resources={"metadata": {"name": name}})
    return body.replace("</head>", CJK_FONT_STYLE + "</head>", 1)


def _cjk_font_style() -> str:
    """CSS that sets the page's Chinese in the evidence site's CJK font subset, so it renders on a machine without
    CJK fonts (the copies sit in reports/notebooks/, the site in reports/evidence/; without the site the browser
    falls back to its own fonts). The face covers CJK code points only (``unicode-range``) and comes first, so
    headings, captions and table headers get it too while Latin text keeps the system font."""
    from analysis.evidence_links import ASSETS, FONT_FILE, SITE_DIR

    font = f"../{SITE_DIR.name}/{ASSETS}/{FONT_FILE}"
    family = "Noto Sans CJK SC (project subset)"
    cjk = "U+2E80-9FFF,U+F900-FAFF,U+FE30-FE4F,U+FF00-FFEF"  # radicals to ideographs, compatibility, full width
    text = ",".join(
        ["body", ".jp-RenderedHTMLCommon", ".jp-OutputArea-output", "caption", "th", "td"]
        + [f".jp-RenderedHTMLCommon h{n}" for n in range(1, 7)]
    )
    return (
        f'<style>@font-face{{font-family:"{family}";src:url("{font}");unicode-range:{cjk}}}'
        f'{text}{{font-family:"{family}",system-ui,-apple-system,"Segoe UI",sans-serif}}</style>\n'
    )


CJK_FONT_STYLE = _cjk_font_style()


def run_one(path: Path, out_dir: Path, working_dir: Path, root: Path | None = None) -> list[Path]:
    """Execute one notebook; write ``<name>.ipynb`` (executed) and ``<name>.html`` into ``out_dir``."""
    import nbformat

    from analysis.curated import write_text_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    executed = execute_notebook(path, working_dir, root=root)
    for cell in executed.cells:  # execution timestamps would make every rebuild differ
        cell.get("metadata", {}).pop("execution", None)
    target = out_dir / path.name
    write_text_atomic(target, nbformat.writes(executed) + "\n")
    html = out_dir / path.with_suffix(".html").name
    write_text_atomic(html, to_html(executed, notebook_title(executed, path.stem)))
    return [target, html]


def run_all(folder: Path, out_dir: Path, working_dir: Path, progress=None, root: Path | None = None) -> list[Path]:
    """Execute every notebook, write ``<name>.ipynb`` (executed) and ``<name>.html`` into ``out_dir``
    (with ``root``, on that project's data)."""
    written = []
    for path in notebook_paths(folder):
        if progress:
            progress(path.name)
        written += run_one(path, out_dir, working_dir, root=root)
    return written
