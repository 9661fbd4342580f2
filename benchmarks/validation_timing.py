"""Time each stage of `python -m analysis validate` on the curated data and print the figures.

Run: .venv/bin/python benchmarks/validation_timing.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.normalize import normalize
from analysis.numbers import scan_numbers
from analysis.validate import schema_problems, validate_project


def timed(function, repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tables = load_tables()
    texts = load_texts(tables["documents"])
    corpus = "\n".join(texts.values())
    rows = [
        ("load curated tables", timed(load_tables, args.repeat)),
        ("frictionless schema check", timed(schema_problems, args.repeat)),
        ("normalise the corpus", timed(lambda: normalize(corpus), args.repeat)),
        ("scan numbers in the corpus", timed(lambda: scan_numbers(normalize(corpus).text), args.repeat)),
        ("whole validation", timed(validate_project, args.repeat)),
    ]
    print(f"corpus: {len(texts)} documents, {len(corpus):,} characters; median of {args.repeat} runs")
    for name, seconds in rows:
        print(f"{name:32s} {seconds * 1000:9.1f} ms")
    scan_seconds = rows[3][1]
    print(f"{'normalise + scan throughput':32s} {len(corpus) / scan_seconds:9,.0f} chars/s")


if __name__ == "__main__":
    main()
