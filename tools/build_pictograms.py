"""Rasterise the pictograms for prints: drawing an SVG costs WeasyPrint milliseconds per copy,
placing a PNG costs almost nothing, and a personal plan or letter is printed while staff wait.

Run by `make pictograms` after changing a drawing (needs Debian's librsvg2-bin). The PNGs and
a manifest of the drawings they were made from are committed; a test fails when one is stale.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

PICTOGRAMS = Path(__file__).resolve().parent.parent / "static" / "pictograms"
TARGET = PICTOGRAMS / "print"
INK = "#1d3a5f"  # the icons' currentColor on paper
# Pixels: as small as looks sharp on paper, since WeasyPrint re-encodes every pixel per print.
SIZES = {
    "small": 96,  # lists and icons: 10 mm is then about 240 dpi
    "large": 320,  # the pictogram of a step page: 26 mm is then about 310 dpi
}
# The sizes of the app icon that the web app manifest names (offline.APP_ICONS).
APP_ICON_SIZES = (192, 512)


def drawing_hash(svg: Path) -> str:
    """Return the code of a drawing, recorded in the manifest next to its PNG."""
    return hashlib.sha256(svg.read_bytes()).hexdigest()[:12]


def rasterise(svg: Path, target: Path, size: int) -> None:
    """Write one grey PNG on white (no alpha channel to split off), currentColor in print ink.

    Grey, not colour: take-home prints mostly come out of black-and-white printers anyway,
    and the PDF keeps one byte a pixel instead of three (the Arabic plan PDF went from 217 to
    146 KB, which keeps a language saved for offline within its 400 KB)."""
    text = svg.read_text(encoding="utf-8").replace("currentColor", INK)
    with tempfile.NamedTemporaryFile("w", suffix=".svg", encoding="utf-8") as source:
        source.write(text)
        source.flush()
        command = ["rsvg-convert", "--width", str(size), "--keep-aspect-ratio"]
        command += ["--background-color", "white", "-o", str(target), source.name]
        subprocess.run(command, check=True)
    Image.open(target).convert("L").save(target, optimize=True)


def build_app_icons() -> None:
    """Rasterise the icon a phone shows on its home screen (static/icons/app-icon.svg)."""
    icons = PICTOGRAMS.parent / "icons"
    for size in APP_ICON_SIZES:
        command = ["rsvg-convert", "--width", str(size), "--height", str(size)]
        command += ["-o", str(icons / f"app-icon-{size}.png"), str(icons / "app-icon.svg")]
        subprocess.run(command, check=True)


def main() -> int:
    """Rasterise every pictogram and the app icons, and write the manifest."""
    build_app_icons()
    manifest = {}
    for folder, size in SIZES.items():
        (TARGET / folder).mkdir(parents=True, exist_ok=True)
        for svg in sorted(PICTOGRAMS.glob("*.svg")):
            rasterise(svg, TARGET / folder / f"{svg.stem}.png", size)
            manifest[svg.stem] = drawing_hash(svg)
    (TARGET / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"{len(manifest)} pictograms rasterised into {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
