"""Time the agreement report: alpha and kappa with 2000 bootstrap resamples, per theme, every pair of readings.

.venv/bin/python benchmarks/coding_agreement.py
"""

from __future__ import annotations

import time

from analysis.coding import BOOTSTRAP_RESAMPLES
from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.readings import agreement_table, all_readings


def main() -> None:
    tables = load_tables()
    texts = load_texts(tables["documents"])
    started = time.perf_counter()
    codes = all_readings(tables, texts)
    loaded = time.perf_counter()
    table = agreement_table(tables, texts, codes)
    done = time.perf_counter()
    intervals = int(table["ci_low"].notna().sum())
    print(f"readings: {len(codes)} ({loaded - started:.2f} s to load, keyword coding included)")
    print(f"agreement rows: {len(table)}, of which {intervals} with a {BOOTSTRAP_RESAMPLES}-resample interval")
    print(f"agreement table: {done - loaded:.2f} s ({(done - loaded) / max(intervals, 1) * 1000:.1f} ms per interval)")


if __name__ == "__main__":
    main()
