"""Read PDFs back with the tools a person would use: poppler (pdffonts, pdftotext, pdftoppm),
zbarimg for QR codes and pypdf for the page count. No mocks: these read the real bytes."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

# Invisible direction marks: isolates (LRI RLI FSI PDI), LRM/RLM, embeddings and overrides.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
)
ARABIC_LETTERS = re.compile("[\u0620-\u064a]")
ETHIOPIC_LETTERS = re.compile("[\u1200-\u135a]")
# The word in the name of each script's font in a PDF (Noto-Sans-Arabic...): the languages
# that need a font of their own; the other languages are written with Noto Sans.
SCRIPT_FONTS = {"ar": "Arabic", "ti": "Ethiopic"}
# A lam followed by an alef (or alef maksura) is drawn as one ligature glyph. pdftotext reverses
# the glyphs of a right-to-left run and, with them, the two letters that glyph stands for: the
# source "الاندماج" comes out as "االندماج", "على" as "عىل".
LAM_ALEF = re.compile("\u0644([\u0627\u0623\u0625\u0622\u0649])")
# Punctuation that pdftotext moves to the other end of an Arabic word.
WORD_EDGES = "\u060c\u061b\u061f.,:;()"


@dataclass(frozen=True)
class Font:
    """One row of pdffonts: the font's name (without the subset prefix) and if it is embedded."""

    name: str
    embedded: bool


def _run(args: list[str], pdf: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
    """Run a poppler tool on `pdf` written to a temporary file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "print.pdf"
        path.write_bytes(pdf)
        return subprocess.run([*args, str(path), *extra], capture_output=True, check=True)


def page_count(pdf: bytes) -> int:
    """Return how many pages a PDF has."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def fonts(pdf: bytes) -> list[Font]:
    """Return the fonts that pdffonts lists, e.g. Font('Noto-Sans-Arabic', embedded=True)."""
    lines = _run(["pdffonts"], pdf).stdout.decode("utf-8").splitlines()
    header, rows = lines[0], lines[2:]
    emb = header.index(" emb ") + 1
    found = []
    for row in rows:
        name = row.split()[0]
        found.append(Font(name.split("+", 1)[-1], row[emb : emb + 3] == "yes"))
    return found


def embedded_font_names(pdf: bytes, lang: str) -> str:
    """Check a PDF embeds all its fonts, of the script fonts only `lang`'s; return their names."""
    found = fonts(pdf)
    assert found
    assert all(font.embedded for font in found), found
    names = " ".join(font.name for font in found)
    for script_lang, script in SCRIPT_FONTS.items():
        assert (script in names) == (lang == script_lang), found
    return names


def pages_text(pdf: bytes) -> list[str]:
    """Return the text of each page as pdftotext gives it (in reading order)."""
    text = _run(["pdftotext", "-enc", "UTF-8"], pdf, "-").stdout.decode("utf-8")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def qr_codes(pdf: bytes, page: int = 1) -> list[str]:
    """Render one page at 150 dpi and return what zbarimg reads in its QR codes."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "print.pdf"
        source.write_bytes(pdf)
        target = Path(folder) / "page"
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(source), str(target)],
            capture_output=True,
            check=True,
        )
        # zbarimg exits with 4 when it finds no code: that is an empty list, not an error.
        result = subprocess.run(
            ["zbarimg", "-q", "--raw", str(target.with_suffix(".png"))],
            capture_output=True,
            check=False,
        )
    return result.stdout.decode("utf-8").splitlines()


def normalise(text: str) -> str:
    """Drop direction marks and make every run of white space one space."""
    return " ".join(text.translate(BIDI_CONTROLS).split())


def as_extracted(text: str, lang: str) -> str:
    """Return a source text the way pdftotext writes it back (Arabic lam-alef ligatures)."""
    return LAM_ALEF.sub(r"\1" + "\u0644", text) if lang == "ar" else text


def has_phrase(text: str, phrase: str, lang: str) -> bool:
    """Say whether the extracted `text` contains `phrase` of language `lang`.

    Latin and Ethiopic text comes back in order, so the whole phrase is compared. pdftotext
    may put the words of a mixed Arabic line (Arabic next to digits or Latin letters) in visual
    order, so for Arabic every word of the phrase must be in one and the same block instead
    (the lines pdftotext writes without a blank line between them: a heading that wraps, or
    one cell of a table).
    """
    if lang != "ar":
        return normalise(phrase) in normalise(text)
    words = [w.strip(WORD_EDGES) for w in normalise(as_extracted(phrase, lang)).split()]
    words = [w for w in words if w]
    blocks = [normalise(block) for block in re.split(r"\n\s*\n", text)]
    return any(all(w in block for w in words) for block in blocks)
