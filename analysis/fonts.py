"""A CJK font for every figure, from a pip-installed OFL package, with no system fonts needed.

The package ``manimgx-fonts-cjk`` ships Noto Sans CJK as a variable font whose default instance is
the Thin weight. For legible report figures we cut a Regular (wght=400) instance of the Simplified
Chinese face, subset to the characters the figures can draw (every character of the curated tables
plus the figure labels), and cache it under ``build/fonts/``; the full variable font is registered
too (family "Noto Sans CJK SC") for text a user adds by hand. Fonts are registered with
``matplotlib.font_manager.fontManager.addfont`` only; no matplotlib configuration file is touched.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from analysis.paths import PROJECT_ROOT

CJK_FACE_INDEX = 2  # faces in the collection: JP, KR, SC, TC, HK
INSTANCE_FAMILY = "Noto Sans CJK SC Regular Subset"
FALLBACK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "DejaVu Sans"  # ships with matplotlib
FONT_CACHE = PROJECT_ROOT / "build" / "fonts"  # subsets cut once per checkout, whatever project root uses them
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "，。、；：？！“”‘’（）《》【】—…·％–−×≥≤≈°0123456789"


def variable_font_path() -> Path:
    """The Noto Sans CJK variable font collection inside the installed package."""
    import manimgx_fonts_cjk

    return Path(manimgx_fonts_cjk.__file__).parent / "NotoSansCJK-VF.otf.ttc"


def font_licence_path() -> Path:
    """The SIL Open Font License text shipped with the font package."""
    from importlib.metadata import distribution

    dist = distribution("manimgx-fonts-cjk")
    for file in dist.files or []:
        if file.name == "LICENSE":
            return Path(dist.locate_file(file))
    raise FileNotFoundError("the licence of manimgx-fonts-cjk was not found in its installation")


def subset_family(path: Path) -> str:
    """The family name of a cached subset: one name per character set, so two subsets registered in one
    process (a test run, a notebook kernel) never stand in for each other and lose glyphs."""
    return f"{INSTANCE_FAMILY} {Path(path).stem.rsplit('-', 1)[-1]}"


def build_regular_instance(characters: str, cache_dir: Path) -> Path:
    """Subset the SC face to ``characters`` and instantiate it at weight 400; cached by content hash."""
    chars = sorted(set(characters) | set(_BASE_CHARS))
    key = hashlib.sha256("".join(chars).encode("utf-8")).hexdigest()[:16]
    target = cache_dir / f"NotoSansCJKsc-Regular-subset-v3-{key}.ttf"  # v3: no cutting timestamp
    family = subset_family(target)
    if target.is_file():
        return target
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(str(variable_font_path()), fontNumber=CJK_FACE_INDEX)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    regular = instancer.instantiateVariableFont(font, {"wght": 400}, updateFontNames=True)
    names = regular["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16):
            names.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(family.replace(" ", ""), record.nameID, record.platformID, record.platEncID, record.langID)
    _cff_to_truetype(regular)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # A unique temporary name: parallel builds or test workers may cut the same subset at once.
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=cache_dir)
    os.close(handle)
    # The same characters give the same bytes on every machine: no "modified" timestamp of the moment of cutting
    # (it would differ in every embedded PDF font and in the evidence site's font).
    regular["head"].modified = regular["head"].created
    regular.recalcTimestamp = False
    try:
        regular.save(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def _cff_to_truetype(font) -> None:
    """Replace the CFF outlines of ``font`` by TrueType (quadratic) outlines, in place.

    matplotlib embeds fonts in PDF as Type 42, which wraps TrueType ``glyf`` outlines; a CFF font
    wrapped that way makes poppler report "Embedded font file may be invalid". Cubic curves are
    approximated by quadratic ones within 1 unit of the 1000-unit em (fontTools' cu2qu).
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_set = font.getGlyphSet()
    order = font.getGlyphOrder()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for table in ("CFF ", "CFF2", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    maxp.maxComponentDepth = 0
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    glyf.compile(font)  # computes bounding boxes; maxp and hhea follow on save


def cached_instance(characters: str) -> Path:
    """:func:`build_regular_instance` in this checkout's cache, ``build/fonts/``: a subset depends only on its
    characters, so every project root (a copy of the project, a test's) shares it and cuts it only once."""
    return build_regular_instance(characters, FONT_CACHE)


def register_fonts(characters: str = "", root: Path = PROJECT_ROOT) -> list[str]:
    """Register the CJK fonts with matplotlib and return the font family list to use (idempotent)."""
    from matplotlib import font_manager

    instance = cached_instance(characters)
    registered = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in (instance, variable_font_path()):
        if str(path) not in registered:
            font_manager.fontManager.addfont(str(path))
    return [subset_family(instance), LATIN_FAMILY]
