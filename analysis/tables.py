"""Write the comparison tables of :func:`analysis.compare.comparison_tables` as CSV files.

For researchers who work in R, Stata or Excel without the notebooks: one UTF-8 CSV per table,
named after the table (``plan_against_result.csv``), written atomically, byte-identical for the same data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.compare import comparison_tables
from analysis.curated import write_text_atomic
from analysis.paths import PROJECT_ROOT


def table_csv_text(frame: pd.DataFrame) -> str:
    """A comparison table as CSV text: UTF-8, LF line ends, empty cells for missing values."""
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")


def write_comparison_tables(tables: dict[str, pd.DataFrame], out_dir: Path, root: Path = PROJECT_ROOT) -> list[Path]:
    """Write every comparison table into ``out_dir`` as ``<name>.csv``; return the paths in registry order.

    Beside every id column stands ``evidence_<column>``: the relative link to the id's highlighted
    quote in the evidence site (``reports/evidence/``, :func:`analysis.evidence.evidence_link`).
    """
    from analysis.evidence_links import add_evidence_links

    out_dir = Path(out_dir)
    written = []
    for name, frame in comparison_tables(tables).items():
        frame = add_evidence_links(frame, tables, "zh", start=out_dir, root=root)
        path = out_dir / f"{name}.csv"
        write_text_atomic(path, table_csv_text(frame))
        written.append(path)
    return written


__all__ = ["table_csv_text", "write_comparison_tables"]
