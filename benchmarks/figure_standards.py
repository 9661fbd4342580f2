"""Print, for every report figure and language: size in mm, smallest text (pt), texts, overlaps, clipped texts.

Run: .venv/bin/python benchmarks/figure_standards.py
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_figure_standards import drawn_texts  # noqa: E402

from analysis import figures  # noqa: E402
from analysis.curated import load_tables  # noqa: E402
from analysis.fonts import register_fonts  # noqa: E402


def main() -> None:
    tables = load_tables()
    families = register_fonts(figures.figure_characters(tables))
    colours = figures.region_colours(tables)
    specs = figures.figure_specs(tables)
    print(
        f"{'figure':42s} {'lang':4s} {'width':>7s} {'height':>7s} {'min pt':>6s} {'texts':>5s} {'overlap':>7s} {'clipped':>7s}"
    )
    for spec in specs:
        for lang in ("zh", "en"):
            figure = spec.draw(figures.make_labels(tables, lang), colours, families)
            texts = drawn_texts(figure)
            width, height = (v * 25.4 for v in figure.get_size_inches())
            overlaps = sum(
                1
                for (_, a, _), (_, b, _) in itertools.combinations(texts, 2)
                if min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1
            )
            clipped = sum(
                1
                for _, box, _ in texts
                if box.x0 < -1 or box.y0 < -1 or box.x1 > figure.bbox.width + 1 or box.y1 > figure.bbox.height + 1
            )
            smallest = min(size for _, _, size in texts)
            print(
                f"{spec.stem:42s} {lang:4s} {width:5.0f}mm {height:5.0f}mm {smallest:6.1f} {len(texts):5d} {overlaps:7d} {clipped:7d}"
            )


if __name__ == "__main__":
    main()
