"""The project font: a Regular subset of Noto Sans CJK SC, faithful to the variable font and the same bytes anywhere."""

from __future__ import annotations

import time

import pytest
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen

from analysis.fonts import CJK_FACE_INDEX, REGULAR, build_regular_instance, variable_font_path

CHARACTERS = "学前教育普惠覆盖率,交流轮岗。"

pytestmark = pytest.mark.xdist_group("fonts")  # one worker cuts the small subset once for both tests


@pytest.fixture(scope="module")
def small_cut(tmp_path_factory):
    return build_regular_instance(CHARACTERS, tmp_path_factory.mktemp("fonts"))


def _shapes(font, characters: str) -> dict[str, tuple[int, tuple | None, float]]:
    """Per character: advance width, bounding box and enclosed area of its glyph, as a renderer draws it."""
    glyph_set, cmap = font.getGlyphSet(), font.getBestCmap()
    shapes = {}
    for character in characters:
        name = cmap[ord(character)]
        bounds, area = BoundsPen(glyph_set), AreaPen(glyph_set)
        glyph_set[name].draw(bounds)
        glyph_set[name].draw(area)
        shapes[character] = (font["hmtx"][name][0], bounds.bounds, abs(area.value))
    return shapes


def test_the_regular_cut_is_the_instance_fonttools_instancer_gives(small_cut):
    """The cut draws each glyph at wght 400 itself instead of running fontTools' CFF2 instancer (four times
    faster); it must give that instance's glyphs: the same advance widths, outlines within a unit."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    characters = CHARACTERS + "Ag%1(—"  # ideographs, punctuation, Latin letters and digits
    reference = TTFont(str(variable_font_path()), fontNumber=CJK_FACE_INDEX)
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True))
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(reference)
    expected = _shapes(instancer.instantiateVariableFont(reference, dict(REGULAR)), characters)
    got = _shapes(TTFont(small_cut), characters)

    assert {c: s[0] for c, s in got.items()} == {c: s[0] for c, s in expected.items()}
    far = {
        c: (got[c][1], expected[c][1])
        for c in characters
        if (got[c][1] is None) != (expected[c][1] is None)
        or (expected[c][1] and max(abs(a - b) for a, b in zip(got[c][1], expected[c][1])) > 1.5)
    }
    assert not far, f"bounding boxes more than 1.5 units from the instancer's: {far}"
    area = {c: (got[c][2], expected[c][2]) for c in characters if abs(got[c][2] / expected[c][2] - 1) > 0.01}
    assert not area, f"glyph areas more than 1 % from the instancer's: {area}"


def test_the_font_subset_has_the_same_bytes_whenever_and_wherever_it_is_cut(small_cut, tmp_path, monkeypatch):
    """Figures' PDFs, the methods PDFs and the evidence site embed this subset: cut on two days into two
    folders, it must not differ (fontTools would stamp the moment of saving into the 'head' table)."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86_400)  # the clock fontTools would stamp, a day later
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = build_regular_instance(CHARACTERS, tmp_path / "two")
    assert again.name == small_cut.name and again.read_bytes() == small_cut.read_bytes()
