"""Copy the Noto fonts from Debian's fonts-noto-core and make the web subsets.

Run by `make fonts` (only needed when the fonts or their ranges change; the results are
committed): TTF files for WeasyPrint in static/fonts/ttf/, and woff2 subsets per script for
browsers in static/fonts/, each covering exactly the unicode-range that site.css declares.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset

SOURCE = Path("/usr/share/fonts/truetype/noto")
STATIC = Path(__file__).resolve().parent.parent / "static" / "fonts"

# script -> (font file stem, unicode ranges); keep in step with @font-face in static/css/site.css.
WEB_SUBSETS = {
    "arabic": (
        "NotoSansArabic",
        "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+200C-200F, U+FB50-FDFF, U+FE70-FEFF",
    ),
    "ethiopic": ("NotoSansEthiopic", "U+1200-137F"),
}
PRINT_FONTS = ["NotoSans", "NotoSansArabic", "NotoSansEthiopic"]
WEIGHTS = {"Regular": 400, "Bold": 700}


def unicodes(ranges: str) -> list[int]:
    """Expand 'U+0600-06FF, U+200C' into code points."""
    points: list[int] = []
    for part in ranges.split(","):
        start, _, end = part.strip().removeprefix("U+").partition("-")
        points.extend(range(int(start, 16), int(end or start, 16) + 1))
    return points


def make_web_subset(source: Path, target: Path, ranges: str) -> None:
    """Write a woff2 with only `ranges`, keeping the shaping rules Arabic needs."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes(ranges))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def main() -> int:
    """Build every font file the portal bundles."""
    if not SOURCE.is_dir():
        print(f"{SOURCE} is missing: apt-get install fonts-noto-core", file=sys.stderr)
        return 1
    (STATIC / "ttf").mkdir(parents=True, exist_ok=True)
    for stem in PRINT_FONTS:
        for weight in WEIGHTS:
            shutil.copyfile(
                SOURCE / f"{stem}-{weight}.ttf", STATIC / "ttf" / f"{stem}-{weight}.ttf"
            )
    for script, (stem, ranges) in WEB_SUBSETS.items():
        for weight, number in WEIGHTS.items():
            target = STATIC / f"noto-sans-{script}-{number}.woff2"
            make_web_subset(SOURCE / f"{stem}-{weight}.ttf", target, ranges)
            print(f"{target.name}: {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
