#!/usr/bin/python3
"""Convert a CFF-flavoured OpenType font (.otf) to TrueType (glyf) outlines.

The PDF library the templates use (a vendored gopdf) embeds TrueType glyf
outlines only, and FandolFang, the open 仿宋 with full GB 2312 coverage, is
published as CFF OpenType. This converts it once; the result is committed
under templates/fonts/. Cubic curves become quadratic ones with fontTools'
cu2qu (max error 1 font unit of 1000 per em); hinting is dropped (the PDF
viewer does its own); glyph names are dropped (post table format 3), as the
PDF addresses glyphs by index.

The exact command, with Debian's python3-fonttools and texlive-lang-chinese
(`apt-get install -y python3-fonttools texlive-lang-chinese`):

  /usr/bin/python3 scripts/fonts/otf2ttf.py \
    /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/FandolFang-Regular.otf \
    templates/fonts/FandolFang-Regular.ttf

scripts/fonts.sh runs it and checks the result's checksum.
"""

import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

MAX_ERR = 1.0  # font units


def quadratic_glyphs(glyph_set):
    out = {}
    for name in glyph_set.keys():
        tt = TTGlyphPen(glyph_set)
        # PostScript outlines run counter-clockwise, TrueType clockwise.
        glyph_set[name].draw(Cu2QuPen(tt, MAX_ERR, reverse_direction=True))
        out[name] = tt.glyph()
    return out


def otf_to_ttf(font):
    if font.sfntVersion != "OTTO" or "CFF " not in font:
        raise SystemExit("not a CFF OpenType font")
    order = font.getGlyphOrder()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = quadratic_glyphs(font.getGlyphSet())
    del font["CFF "]
    for tag in ("VORG",):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    # Left side bearings follow the new outlines' bounds.
    hmtx = font["hmtx"]
    for name, g in glyf.glyphs.items():
        adv, _ = hmtx.metrics[name]
        hmtx.metrics[name] = (adv, getattr(g, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 0)
    maxp.maxComponentElements = 0
    post = font["post"]
    post.formatType = 3.0
    post.extraNames, post.mapping = [], {}
    font.sfntVersion = "\x00\x01\x00\x00"


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: otf2ttf.py IN.otf OUT.ttf")
    # Keep the source's modification date, so that the output (and its
    # checksum in scripts/fonts.sh) is reproducible.
    font = TTFont(sys.argv[1], recalcTimestamp=False)
    otf_to_ttf(font)
    font.save(sys.argv[2])


if __name__ == "__main__":
    main()
