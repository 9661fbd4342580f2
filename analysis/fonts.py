"""A CJK font for every figure, from a pip-installed OFL package, with no system fonts needed.

The package ``manimgx-fonts-cjk`` ships Noto Sans CJK as a variable font whose default instance is
the Thin weight. For legible report figures we cut a Regular (wght=400) instance of the Simplified
Chinese face, subset to the characters the project can put on a page (its data and the package's labels;
one subset for figures, evidence site, methods appendix and notebooks), and cache it under ``build/fonts/``
by its characters; the full variable font is registered
too (family "Noto Sans CJK SC") for text a user adds by hand. Fonts are registered with
``matplotlib.font_manager.fontManager.addfont`` only; no matplotlib configuration file is touched.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import unicodedata
from pathlib import Path

from analysis.paths import PROJECT_ROOT, data_files, package_sources

CJK_FACE_INDEX = 2  # faces in the collection: JP, KR, SC, TC, HK
INSTANCE_FAMILY = "Noto Sans CJK SC Regular Subset"
FALLBACK_FAMILY = "Noto Sans CJK SC"
LATIN_FAMILY = "DejaVu Sans"  # ships with matplotlib
FONT_CACHE = PROJECT_ROOT / "build" / "fonts"  # subsets cut once per checkout, whatever project root uses them
REGULAR = {"wght": 400.0}  # the instance cut from the variable font
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
    """Subset the SC face to ``characters`` and cut its Regular (wght=400) instance; cached by content hash."""
    chars = sorted(_drawable(characters) | set(_BASE_CHARS))
    key = hashlib.sha256("".join(chars).encode("utf-8")).hexdigest()[:16]
    target = cache_dir / f"NotoSansCJKsc-Regular-subset-v4-{key}.ttf"  # v4: outlines drawn at wght 400
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".cutting.lock", "w") as lock:  # parallel builds or test workers cut a subset once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.is_file():
            _cut(chars, target)
    return target


def _drawable(characters: str) -> set[str]:
    """The characters a page can draw: all but control characters (line breaks, tabs)."""
    return {c for c in characters if unicodedata.category(c) != "Cc"}


def variable_subset(characters: str | list[str]):
    """The SC face of the variable font subset to ``characters`` (every name record and layout feature kept), as
    a fontTools ``TTFont`` still holding its CFF2 outlines and variation tables."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(variable_font_path()), fontNumber=CJK_FACE_INDEX)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    return font


def _cut(chars: list[str], target: Path) -> None:
    """Write the Regular subset of ``chars`` to ``target``: subset, TrueType outlines at wght 400, names."""
    from fontTools.varLib import instancer

    family = subset_family(target)
    font = variable_subset(chars)
    _truetype_outlines_at(font, REGULAR)
    regular = instancer.instantiateVariableFont(
        font,
        dict(REGULAR),
        inplace=True,
        updateFontNames=True,
        overlap=instancer.OverlapMode.KEEP_AND_DONT_SET_FLAGS,  # as for the CFF outlines these replace
    )
    names = regular["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 16):
            names.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(family.replace(" ", ""), record.nameID, record.platformID, record.platEncID, record.langID)
    regular["glyf"].compile(regular)  # bounding boxes; maxp and hhea follow on save
    # Written whole under a temporary name, so a reader never sees half a font.
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
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


def _truetype_outlines_at(font, location: dict[str, float]) -> None:
    """Replace the variable CFF2 outlines of ``font`` by TrueType (quadratic) outlines of the instance at
    ``location``, with their advance widths and left side bearings, in place; the other variation tables are
    left to the instancer.

    matplotlib embeds fonts in PDF as Type 42, which wraps TrueType ``glyf`` outlines (a CFF font wrapped that way
    makes poppler report "Embedded font file may be invalid"), and Chromium's PDF backend embeds them as a CID font
    with selectable text. Each glyph is drawn once at the location, its points rounded to whole units like
    fontTools' instancer rounds them, and its cubic curves approximated by quadratic ones within 1 unit of the
    1000-unit em (cu2qu). This is what instancing the CFF2 table and converting it would give, in a third of the
    time (benchmarks/font_cut.py): fontTools' CFF2 instancer re-encodes every charstring only for it to be drawn again here.
    """
    from fontTools.misc.roundTools import otRound
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.roundingPen import RoundingPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    glyph_set = font.getGlyphSet(location=location, normalized=False)
    order = font.getGlyphOrder()
    glyphs = {}
    metrics = font["hmtx"].metrics
    for name in order:
        pen = TTGlyphPen(None)
        glyph = glyph_set[name]
        glyph.draw(RoundingPen(Cu2QuPen(pen, max_err=1.0, reverse_direction=True), roundFunc=otRound))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for name, outline in glyphs.items():
        outline.recalcBounds(glyf)
        # TrueType renderers place a glyph's left edge at its left side bearing, so it must be the Regular
        # outline's own (the variable font's hmtx holds the Thin master's).
        metrics[name] = (otRound(glyph_set[name].width), getattr(outline, "xMin", 0))
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


def project_characters(root: Path = PROJECT_ROOT) -> str:
    """Every character the project at ``root`` can put on a page: its data (curated tables, raw texts and the
    simplified reading of each) and the package's own labels and templates (its source).

    Figures, the evidence site, the methods appendix and the notebooks each draw a part of these; cutting one
    subset for all of them means one cut per state of the data instead of one per output, and the same font
    file wherever a character appears."""
    from analysis.normalize import normalize

    characters: set[str] = set()
    for path in data_files(root):
        text = path.read_text(encoding="utf-8", errors="replace")
        characters |= set(text)
        if path.suffix == ".txt":
            characters |= set(normalize(text).text)
    for path in package_sources():
        characters |= set(path.read_text(encoding="utf-8"))
    return "".join(sorted(_drawable("".join(characters))))


def cached_instance(characters: str = "", root: Path = PROJECT_ROOT) -> Path:
    """The project's font subset in this checkout's cache, ``build/fonts/``: :func:`build_regular_instance` of
    :func:`project_characters` (and ``characters``, where an output draws one the project does not hold). A
    subset depends only on its characters, so every project root with the same data (a copy of the project, a
    test's) shares it and cuts it only once."""
    return build_regular_instance(characters + project_characters(root), FONT_CACHE)


def register_fonts(characters: str = "", root: Path = PROJECT_ROOT) -> list[str]:
    """Register the CJK fonts with matplotlib and return the font family list to use (idempotent): the project's
    subset (:func:`cached_instance`) covering ``characters``, and the full variable font."""
    from matplotlib import font_manager

    instance = cached_instance(characters, root)
    registered = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in (instance, variable_font_path()):
        if str(path) not in registered:
            font_manager.fontManager.addfont(str(path))
    return [subset_family(instance), LATIN_FAMILY]
