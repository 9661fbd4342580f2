"""Links into the evidence site: one function for every id, for the figure CSVs, tables and notebooks.

The site itself (:mod:`analysis.evidence`) and every output that links to it use these, so a link
and its anchor are made by the same code; this module draws nothing and imports no other output.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.paths import PROJECT_ROOT

SITE_DIR = Path("reports") / "evidence"
ASSETS = "assets"
FONT_FILE = "NotoSansCJKsc-Regular-subset.otf"  # the site's CJK font subset, in SITE_DIR / ASSETS
ID_COLUMNS = ("target_id", "reference_id", "target_id_plan", "target_id_result", "benchmark_id")


def document_page(doc_id: str) -> str:
    return f"{doc_id}.html"


def figure_page(stem: str) -> str:
    return f"figure-{stem}.html"


def table_page(name: str) -> str:
    return f"table-{name}.html"


BENCHMARKS_PAGE = "benchmarks.html"


def anchor_index(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Page-relative link (``DOC.html#ID``) of every quantity id, benchmark id and document id."""
    index = {row.doc_id: document_page(row.doc_id) for row in tables["documents"].itertuples()}
    index.update(
        {row.target_id: f"{document_page(row.doc_id)}#{row.target_id}" for row in tables["targets"].itertuples()}
    )
    index.update({bid: f"{BENCHMARKS_PAGE}#{bid}" for bid in tables["national_benchmarks"]["benchmark_id"]})
    return index


def site_root(root: Path = PROJECT_ROOT) -> Path:
    return Path(root) / SITE_DIR


@dataclass
class EvidenceLinks:
    """Links from one place (``start``, a folder) into the evidence site (``site``), per language."""

    tables: dict[str, pd.DataFrame]
    start: Path | None = None  # folder the link is written from; None: from inside ``<site>/<lang>/``
    site: Path | None = None
    index: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.index = anchor_index(self.tables)

    def href(self, ref_id: str, lang: str = "zh") -> str:
        """The relative link of an id; raises ``KeyError`` naming the id when the site has no anchor for it."""
        if ref_id not in self.index:
            raise KeyError(f"no evidence anchor for id {ref_id!r} (not a target_id, benchmark_id or doc_id)")
        target = self.index[ref_id]
        if self.start is None:
            return target
        site = Path(self.site) if self.site else site_root()
        prefix = os.path.relpath(site / lang, Path(self.start)).replace(os.sep, "/")
        return f"{prefix}/{target}"

    def page(self, relative: str, lang: str = "zh") -> str:
        """A page of the site (``DOC.html``, ``DOC.html#clause-3``) as seen from ``start``."""
        if self.start is None or not relative:
            return relative
        site = Path(self.site) if self.site else site_root()
        return os.path.relpath(site / lang, Path(self.start)).replace(os.sep, "/") + "/" + relative

    def get(self, ref_id: object, lang: str = "zh") -> str:
        """Like :meth:`href`, but blank for a missing or unknown id (for optional columns)."""
        if not isinstance(ref_id, str) or ref_id not in self.index:
            return ""
        return self.href(ref_id, lang)


def evidence_link(
    ref_id: str,
    tables: dict[str, pd.DataFrame],
    lang: str = "zh",
    *,
    start: Path | None = None,
    root: Path = PROJECT_ROOT,
) -> str:
    """The evidence link of a target, benchmark or document id, relative to the folder ``start``.

    ``evidence_link("XC21-T005", tables, start=root / "figures")`` gives
    ``../reports/evidence/zh/xincheng_2021_wp.html#XC21-T005``. Without ``start`` the link is relative
    to a page of the site itself (``xincheng_2021_wp.html#XC21-T005``).
    """
    return EvidenceLinks(tables, start, site_root(root)).href(ref_id, lang)


def add_evidence_links(
    frame: pd.DataFrame, tables: dict[str, pd.DataFrame], lang: str = "zh", *, start: Path, root: Path = PROJECT_ROOT
) -> pd.DataFrame:
    """A copy of ``frame`` with an ``evidence_<column>`` link column beside every id column it has."""
    links = EvidenceLinks(tables, start, site_root(root))
    out = frame.copy()
    for column in ID_COLUMNS:
        if column in out.columns:
            out[f"evidence_{column}"] = [links.get(value, lang) for value in out[column]]
    return out


def clause_at(clauses: pd.DataFrame, doc_id: str, offset: int) -> str | None:
    """The clause id of a document that contains a raw offset."""
    rows = clauses[(clauses["doc_id"] == doc_id)]
    for row in rows.itertuples():
        if int(row.char_start) <= offset < int(row.char_end):
            return row.clause_id
    return None


def quote_anchor(tables: dict[str, pd.DataFrame], doc_id: str, char_start: object) -> str:
    """Page-relative link to the clause holding a quote (commitment and component quotes have no id)."""
    if not doc_id or char_start in ("", None) or (isinstance(char_start, float) and math.isnan(char_start)):
        return ""
    try:
        offset = int(char_start)
    except (TypeError, ValueError):
        return ""
    clause = clause_at(tables["clauses"], doc_id, offset)
    return f"{document_page(doc_id)}#clause-{clause}" if clause else document_page(doc_id)
