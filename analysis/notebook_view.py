"""What a notebook shows, worked out in this process without a kernel, so that an edit it does not show runs no kernel.

The numbered notebooks are thin: each cell calls the package and shows what it returns. Executing one in
a kernel takes about 3 s; working out what its cells show takes a fraction of that, because a figure drawn
with ``figures.draw`` is not drawn here but stands for the values it is drawn from (the digest the main
job gives each figure). When the curated data change but no notebook shows the change (a target's
``notes``, say), every notebook's view is the one of its last run and no kernel starts.

The view is exact for what the kernel shows of a cell: its printed text, its warnings, the result of its
last expression and what it passes to ``display``, each as the text and rich representations Jupyter
stores (with memory addresses left out, as :func:`analysis.notebooks.without_addresses` leaves them out of
the executed copy). Where this process cannot know what the kernel would show (a cell that fails here, a
matplotlib figure or artist not drawn through ``figures.draw``, a pyplot figure left open),
:func:`notebook_view` returns ``None`` and the main job runs the notebook whenever its data or code changed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import nbformat
import pandas as pd

from analysis.notebooks import without_addresses
from analysis.paths import reading_root
from analysis.pipeline import digest_of, value_digest

REPRESENTATIONS = (
    "_repr_html_",
    "_repr_markdown_",
    "_repr_latex_",
    "_repr_json_",
    "_repr_svg_",
    "_repr_png_",
    "_repr_jpeg_",
    "_repr_mimebundle_",
)


class NotShowable(Exception):
    """This process cannot tell what the kernel would show of a value."""


class FigurePlan:
    """A figure ``figures.draw`` would draw, by the digest of what it is drawn from."""

    def __init__(self, digest: str) -> None:
        self.digest = digest


class FigurePlanner:
    """Stands in for :mod:`analysis.figures` in a notebook's namespace: ``draw`` plans, everything else is the module."""

    def __init__(self, module) -> None:
        self._module = module
        self._plans: dict[str, dict] = {}  # labels and colours by the state of the tables, so notebooks share them

    def __getattr__(self, name: str):
        return getattr(self._module, name)

    def draw(self, stem: str, tables: dict[str, pd.DataFrame], texts=None, lang: str = "zh", root=None) -> FigurePlan:
        from analysis.paths import current_root

        figures = self._module
        font_root = Path(root) if root else current_root()
        key = figures.state_key(tables, texts, font_root)
        if key is None:
            raise NotShowable("tables whose content cannot be digested")
        families, specs = figures.fonts_and_specs(tables, texts, font_root, key)
        if key not in self._plans:
            self._plans[key] = {"labels": {}, "colours": value_digest(figures.region_colours(tables))}
        found = self._plans[key]
        spec = figures.spec_by_stem(specs, stem)
        if lang not in found["labels"]:
            found["labels"][lang] = value_digest(figures.make_labels(tables, lang))
        return FigurePlan(
            digest_of(
                spec.stem,
                lang,
                value_digest(spec.data),
                value_digest(spec.draw),
                found["labels"][lang],
                found["colours"],
                *families,
            )
        )


def shown_text(value: object) -> str:
    """What Jupyter stores for a cell's result: its rich representations and its plain text."""
    from matplotlib.artist import Artist
    from matplotlib.figure import FigureBase

    if value is None:
        return ""
    if isinstance(value, FigurePlan):
        return f"figure {value.digest}"
    if isinstance(value, FigureBase | Artist):
        raise NotShowable(f"a matplotlib {type(value).__name__} not drawn through figures.draw")
    parts = []
    for name in REPRESENTATIONS:
        method = getattr(value, name, None)
        if callable(method) and not isinstance(value, type):
            parts.append(f"{name}={value_digest(method())}")
    parts.append(without_addresses(repr(value)))
    return "\n".join(parts)


def _planned(namespace: dict, planner: FigurePlanner, display: Callable) -> None:
    """Point the names a cell bound to ``analysis.figures``, its ``draw`` or IPython's ``display`` at stand-ins."""
    from IPython import display as ipython_display

    from analysis import figures

    for name, bound in list(namespace.items()):
        if bound is figures:
            namespace[name] = planner
        elif bound is figures.draw:
            namespace[name] = planner.draw
        elif bound is ipython_display.display:
            namespace[name] = display


def _open_pyplot_figures() -> bool:
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    return bool(pyplot and pyplot.get_fignums())


def notebook_view(path: Path, root: Path, planner: FigurePlanner | None = None) -> str | None:
    """The digest of what the notebook's cells show when run on ``root``'s data, or ``None`` when it cannot be told.

    Pass one ``planner`` to several calls to plan the figures of one state of the data once."""
    from analysis import figures

    planner = planner or FigurePlanner(figures)
    notebook = nbformat.read(path, as_version=4)
    shown: list[str] = []

    def display(*values, **_options) -> None:
        shown.extend(f"display {shown_text(v)}" for v in values)

    namespace: dict = {"__name__": "__main__", "display": display}
    printed = io.StringIO()
    old_cwd = Path.cwd()
    try:
        os.chdir(root)  # the kernel runs in the project root
        with (
            reading_root(root),
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("default")
            warnings.showwarning = lambda message, category, *_: printed.write(f"{category.__name__}: {message}\n")
            for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
                tree = ast.parse(cell.source)
                last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                exec(compile(tree, f"<cell {number}>", "exec"), namespace)
                _planned(namespace, planner, display)
                result = (
                    eval(compile(ast.Expression(last.value), f"<cell {number}>", "eval"), namespace) if last else None
                )
                shown.append(f"cell {number}: {shown_text(result)}\nprinted: {printed.getvalue()}")
                printed.seek(0)
                printed.truncate()
                if _open_pyplot_figures():
                    raise NotShowable("a pyplot figure the kernel would show inline")
    except (Exception, SystemExit):  # the kernel run will show the problem where the researcher sees it
        return None
    finally:
        os.chdir(old_cwd)
        if _open_pyplot_figures():
            import matplotlib.pyplot as plt

            plt.close("all")
    return digest_of(*shown)
