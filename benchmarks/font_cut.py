"""Time and check the cut of the project's font subset against fontTools' own instancer.

Run: .venv/bin/python benchmarks/font_cut.py [--runs N]

The project cuts one Regular (wght 400) subset of Noto Sans CJK SC holding every character of the data and of the
package's labels (:func:`analysis.fonts.project_characters`). It draws each glyph at wght 400 itself
(:func:`analysis.fonts.build_regular_instance`); the alternative is fontTools' CFF2 instancer followed by the same
conversion to TrueType outlines. This prints both times (CPU seconds, median of N, each in a fresh cache folder)
and, glyph by glyph, how far the project's outlines are from the instancer's: advance widths, bounding boxes
(font units of a 1,000-unit em) and enclosed areas.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

from analysis.fonts import _BASE_CHARS, REGULAR, build_regular_instance, project_characters, variable_subset


def instancer_cut(characters: str) -> TTFont:
    """The same subset, instanced by fontTools' instancer (CFF2 kept, as the instancer leaves it)."""
    font = variable_subset(sorted(set(characters) | set(_BASE_CHARS)))
    return instancer.instantiateVariableFont(font, dict(REGULAR), inplace=True)


def shapes(font: TTFont) -> dict[str, tuple[int, tuple | None, float]]:
    glyph_set = font.getGlyphSet()
    out = {}
    for name in font.getGlyphOrder():
        bounds, area = BoundsPen(glyph_set), AreaPen(glyph_set)
        glyph_set[name].draw(bounds)
        glyph_set[name].draw(area)
        out[name] = (font["hmtx"][name][0], bounds.bounds, abs(area.value))
    return out


def cpu_seconds(make) -> tuple[float, object]:
    started = time.process_time()
    result = make()
    return time.process_time() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    characters = project_characters()
    ours, theirs = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            seconds, path = cpu_seconds(lambda folder=folder: build_regular_instance(characters, Path(folder)))
            ours.append(seconds)
            cut = TTFont(path)
            cut.ensureDecompiled()
        seconds, reference = cpu_seconds(lambda: instancer_cut(characters))
        theirs.append(seconds)
    got, expected = shapes(cut), shapes(reference)
    widths = sum(got[n][0] != expected[n][0] for n in expected)
    boxes = [
        max(abs(a - b) for a, b in zip(got[n][1], expected[n][1])) for n in expected if expected[n][1] and got[n][1]
    ]
    areas = [abs(got[n][2] / expected[n][2] - 1) for n in expected if expected[n][2]]
    print(f"characters: {len(set(characters) | set(_BASE_CHARS))}, glyphs: {len(expected)}")
    print(
        f"project cut (outlines drawn at wght 400, TrueType):  {statistics.median(ours):6.2f} CPU-s (median of {args.runs})"
    )
    print(f"fontTools instancer (CFF2, before any TrueType step): {statistics.median(theirs):6.2f} CPU-s")
    print(f"ratio: {statistics.median(theirs) / statistics.median(ours):.1f}x")
    print(f"advance widths differing: {widths} of {len(expected)}")
    print(f"bounding boxes: largest difference {max(boxes):.2f} units, median {statistics.median(boxes):.2f}")
    print(f"areas: largest difference {max(areas) * 100:.2f} %, median {statistics.median(areas) * 100:.3f} %")


if __name__ == "__main__":
    main()
