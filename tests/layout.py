"""Find print faults on a PDF page: text that leaves the page or its printable area, text
that runs into other text, and text that runs into a drawing (a QR code, a box, a rule).

The text comes from `pdftotext -bbox-layout` (a box per line); the drawings from Ghostscript
rendering the page without its text (-dFILTERTEXT). A line's box spans its font's whole
ascent and descent, which is taller than the letters themselves (much taller for Ethiopic
and Arabic fonts): lines are compared by the middle of their box, where the letters are.
pdftotext leaves out what lies wholly outside the page; pypdf reads every letter drawn, so
letters that only pypdf finds were drawn off the page.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

MM_PER_PT = 25.4 / 72
# The share of a line box's height, at its top and at its bottom, that letters rarely reach.
OUTER_SHARE = 0.22
# Text closer to the paper's edge than this is cut off by most office printers.
PRINTABLE_MARGIN_MM = 5.0
# Drawings darker than this count (light backgrounds and tints behind text do not).
DARK = 110
GRAPHICS_DPI = 100
# pdftotext may cut one line of Arabic into two pieces that overlap a little where a vowel
# sign sits (َ): pieces of one line may overlap this much across.
SAME_LINE_SLACK_MM = 3.0
# Text on a badge or a filled box lies wholly on its drawing: that is its background, and a
# drawing that covers this share of a line's middle is taken as such.
BACKGROUND_SHARE = 0.9
# The example watermark ("VOORBEELD") is drawn as large single letters across the page, on
# purpose over the text.
WATERMARK_LETTERS = set("VOORBEELD")


@dataclass(frozen=True)
class Line:
    """A line of text and its box on the page, in millimetres from the top-left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def core(self) -> tuple[float, float, float, float]:
        """Return the middle of the box, where the letters are."""
        inset = (self.y1 - self.y0) * OUTER_SHARE
        return self.x0, self.y0 + inset, self.x1, self.y1 - inset


@dataclass(frozen=True)
class PageText:
    """The lines of one page and the page's size in millimetres."""

    width: float
    height: float
    lines: list[Line]


def bbox_layout(pdf: bytes, page: int) -> ET.Element:
    """Return `pdftotext -bbox-layout` of one page (1-based): its <page> element, with its
    flows, blocks, lines and words, boxes in points."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "print.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            ["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-f", str(page), "-l", str(page)]
            + [str(path), "-"],
            capture_output=True,
            check=True,
        )
    xml = re.sub(rb' xmlns="[^"]+"', b"", result.stdout, count=1)
    root = ET.fromstring(xml)  # noqa: S314 - pdftotext's output on our own PDF
    found = root.find(".//page")
    assert found is not None, f"page {page} is not in the PDF"
    return found


def box_mm(element: ET.Element) -> list[float]:
    """Return the box of a word or line in millimetres: left, top, right, bottom."""
    return [float(element.attrib[k]) * MM_PER_PT for k in ("xMin", "yMin", "xMax", "yMax")]


def only_marks(text: str) -> bool:
    """Say whether a word is only combining marks (Unicode category Mn), such as a vowel sign."""
    return bool(text) and all(unicodedata.category(char) == "Mn" for char in text)


def page_text(pdf: bytes, page: int) -> PageText:
    """Return the lines of a page (1-based), without the example watermark."""
    found = bbox_layout(pdf, page)
    lines = []
    for line in found.iter("line"):
        # A word of only combining marks is pdftotext's artifact: a vowel sign (Arabic tanween,
        # fatha) cut off its letter, with a box that reaches over the letters beside it. The
        # mark is drawn on its letter, so the line is measured without it.
        words = [word for word in line.iter("word") if not only_marks(word.text or "")]
        if not words:
            continue
        text = " ".join(word.text or "" for word in words)
        if len(text) == 1 and text in WATERMARK_LETTERS:
            continue
        boxes = [box_mm(word) for word in words]
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
        lines.append(Line(text, left, top, right, bottom))
    width, height = (float(found.attrib[k]) * MM_PER_PT for k in ("width", "height"))
    return PageText(width, height, lines)


def drawings(pdf: bytes, page: int) -> Image.Image:
    """Render a page without its text (Ghostscript's -dFILTERTEXT): images, boxes, rules."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "print.pdf", Path(folder) / "drawings.png"
        source.write_bytes(pdf)
        subprocess.run(
            ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray"]
            + [f"-r{GRAPHICS_DPI}", "-dFILTERTEXT", f"-dFirstPage={page}", f"-dLastPage={page}"]
            + [f"-sOutputFile={target}", str(source)],
            check=True,
        )
        image = Image.open(target)
        image.load()
    return image


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float]:
    """Return how far two boxes overlap across and down (0 or less: they do not)."""
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def dark_share_under(
    image: Image.Image, box: tuple[float, float, float, float]
) -> tuple[int, float]:
    """Return the dark pixels of a drawing inside a box given in millimetres: how many, and
    which share of the box they cover."""
    scale = GRAPHICS_DPI / 25.4
    # Within the image: PIL fills what lies outside it with black.
    left, right = (min(max(round(v * scale), 0), image.width - 1) for v in (box[0], box[2]))
    top, bottom = (min(max(round(v * scale), 0), image.height - 1) for v in (box[1], box[3]))
    region = image.crop((left, top, max(left + 1, right), max(top + 1, bottom)))
    histogram = region.histogram()
    dark = sum(histogram[:DARK])
    return dark, dark / sum(histogram)


def on_one_line(first: Line, second: Line) -> bool:
    """Say whether two lines of pdftotext are pieces of one line on the page."""
    a, b = first.core(), second.core()
    shared = min(a[3], b[3]) - max(a[1], b[1])
    return shared > 0.8 * min(a[3] - a[1], b[3] - b[1])


def letters_off_the_page(pdf: bytes, page: int, on_page: PageText) -> str:
    """Return the letters and digits drawn on a page that lie outside it (pdftotext keeps
    only what is on the page; pypdf reads all)."""
    drawn = PdfReader(io.BytesIO(pdf)).pages[page - 1].extract_text()
    shown = "".join(line.text for line in on_page.lines)
    watermark = Counter(char for char in drawn if char in WATERMARK_LETTERS)
    missing = Counter(c for c in drawn if c.isalnum()) - Counter(c for c in shown if c.isalnum())
    return "".join(sorted((missing - watermark).elements()))


def layout_faults(pdf: bytes, page: int) -> list[str]:
    """Name every fault of one page: text off the page or too near its edge, text on text,
    text on a drawing."""
    found = page_text(pdf, page)
    faults = []
    lost = letters_off_the_page(pdf, page, found)
    if lost:
        faults.append(f"page {page}: letters drawn off the page: {lost[:40]!r}")
    for line in found.lines:
        x0, y0, x1, y1 = line.core()
        margin = PRINTABLE_MARGIN_MM
        if x0 < margin or y0 < margin or x1 > found.width - margin or y1 > found.height - margin:
            where = f"{line.x0:.1f}-{line.x1:.1f} x {line.y0:.1f}-{line.y1:.1f} mm"
            faults.append(f"page {page}: {line.text[:40]!r} leaves the printable area ({where})")
    for number, first in enumerate(found.lines):
        for second in found.lines[number + 1 :]:
            across, down = overlap(first.core(), second.core())
            slack = SAME_LINE_SLACK_MM if on_one_line(first, second) else 0.5
            if across > slack and down > 0.2:
                faults.append(
                    f"page {page}: {first.text[:40]!r} runs into {second.text[:40]!r} "
                    f"({across:.1f} x {down:.1f} mm)"
                )
    image = drawings(pdf, page)
    for line in found.lines:
        x0, y0, x1, y1 = line.core()
        dark, share = dark_share_under(image, (x0 + 0.3, y0, x1 - 0.3, y1))
        if dark > 3 and share < BACKGROUND_SHARE:
            faults.append(f"page {page}: {line.text[:40]!r} runs into a drawing ({dark} px)")
    return faults
