"""Tables a researcher reads: labelled columns, blank missing values, ids and quotes linked to the evidence site.

``readable(frame, tables, lang)`` turns any comparison table into a pandas ``Styler``: column labels in
Chinese or English (no snake_case), only the columns a reader needs (or the ones you name), no index,
missing values blank, every id and quote a link to its highlighted sentence in the evidence site, and
the comparison's caveats beside its values. Links are relative to ``reports/notebooks/``, where the
executed notebooks and their HTML copies live.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from analysis.evidence import EvidenceLinks, Site, site_root, table_cells
from analysis.paths import PROJECT_ROOT

NOTEBOOK_OUTPUT_DIR = Path("reports") / "notebooks"

TABLE_STYLES = [
    {"selector": "th", "props": "text-align: left; vertical-align: top; background: #f2f2f2;"},
    {"selector": "td", "props": "text-align: left; vertical-align: top; max-width: 28em; white-space: normal;"},
    {"selector": "caption", "props": "caption-side: bottom; text-align: left; color: #444; padding-top: .4em;"},
]


def readable_frame(
    frame: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    lang: str = "zh",
    columns: list[str] | None = None,
    *,
    root: Path = PROJECT_ROOT,
    link_from: Path | None = None,
) -> pd.DataFrame:
    """The table as HTML cells under labelled columns (what :func:`readable` styles)."""
    start = link_from if link_from is not None else Path(root) / NOTEBOOK_OUTPUT_DIR
    site = Site(tables, links=EvidenceLinks(tables, start, site_root(root)))
    header, rows = table_cells(site, frame, lang, columns)
    unique = []
    for label in header:  # two columns may share a label (region_zh and label_zh): keep both apart
        while label in unique:
            label += " "
        unique.append(label)
    return pd.DataFrame([[str(cell) for cell in row] for row in rows], columns=unique)


def caveat_caption(frame: pd.DataFrame, lang: str = "zh") -> str:
    """The distinct caveats of a comparison table, as one caption (blank when there are none)."""
    column = f"caveat_{lang}"
    if column not in frame.columns:
        return ""
    caveats = [c for c in dict.fromkeys(frame[column].fillna("").astype(str)) if c]
    if not caveats:
        return ""
    lead = "可比性说明:" if lang == "zh" else "Comparability: "
    return lead + (";" if lang == "zh" else "; ").join(caveats)


def readable(
    frame: pd.DataFrame,
    tables: dict[str, pd.DataFrame],
    lang: str = "zh",
    columns: list[str] | None = None,
    *,
    caption: str | None = None,
    root: Path = PROJECT_ROOT,
    link_from: Path | None = None,
):
    """A styled, linked, labelled table for a notebook (``pandas.io.formats.style.Styler``)."""
    cells = readable_frame(frame, tables, lang, columns, root=root, link_from=link_from)
    styler = stable(cells.style.hide(axis="index").set_table_styles(TABLE_STYLES))  # same data, same bytes
    text = caption if caption is not None else caveat_caption(frame, lang)
    if text:
        styler = styler.set_caption(text)
    return styler


def plan_documents(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Documents that are plans: those that report no achievements (the results report is left out)."""
    reporting = set(tables["targets"].loc[tables["targets"]["kind"] == "achievement", "doc_id"])
    return [d for d in tables["documents"]["doc_id"] if d not in reporting]


def plans_only(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows of plan documents only, so that genres do not mix."""
    column = "doc_id" if "doc_id" in frame.columns else "doc_id_plan"
    return frame[frame[column].isin(plan_documents(tables))].reset_index(drop=True)


def per_10k_chars(frame: pd.DataFrame, tables: dict[str, pd.DataFrame], counts: list[str]) -> pd.DataFrame:
    """Beside each count column, the count per 10,000 body characters of its document (``<count>_per_10k``)."""
    from analysis.compare import documents_with_regions

    chars = documents_with_regions(tables).set_index("doc_id")["body_chars"]
    out = frame.copy()
    for column in counts:
        position = list(out.columns).index(column) + 1
        out.insert(position, f"{column}_per_10k", (out[column] / out["doc_id"].map(chars) * 10_000).round(1))
    return out


def stable(styler):
    """The styled table with an id drawn from its data, so the same data give the same HTML (pandas draws a random one)."""
    digest = hashlib.sha256(styler.data.to_csv().encode("utf-8")).hexdigest()[:10]
    return styler.set_uuid(digest)
