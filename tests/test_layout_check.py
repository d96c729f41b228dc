"""The print fault check itself (tests/layout.py) finds each kind of fault it is for, on
pages made to have it, and stays quiet on what is fine: tight Ethiopic lines, white numbers
on dark badges, a line of Arabic that pdftotext cuts in two."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image
from weasyprint import HTML

from tests.layout import layout_faults

PAGE = "@page { size: A4; margin: 20mm } body { font: 12pt 'Noto Sans', sans-serif }"


def black_square_url() -> str:
    """Return a data URL of a black square PNG (a stand-in for a QR code)."""
    out = io.BytesIO()
    Image.new("L", (40, 40), 0).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def faults_of(body: str, style: str = "") -> list[str]:
    """Print a page with WeasyPrint and return the faults the check finds on it."""
    html = f"<html><head><style>{PAGE} {style}</style></head><body>{body}</body></html>"
    return layout_faults(HTML(string=html).write_pdf(), 1)


def test_a_clean_page_has_no_faults() -> None:
    assert faults_of("<h1>Brede intake</h1><p>U praat met de gemeente over uw leven.</p>") == []


def test_text_on_text_is_found() -> None:
    body = (
        '<p style="position: absolute; top: 30mm; left: 20mm">Toestemming om gegevens</p>'
        '<p style="position: absolute; top: 31mm; left: 30mm">Gemeente Tilburg</p>'
    )
    faults = faults_of(body)
    assert faults
    assert all(" runs into '" in fault for fault in faults), faults


@pytest.mark.parametrize(
    "position",
    [
        "left: -12mm; top: 50mm",  # partly off the left edge
        "left: 200mm; top: 50mm",  # partly off the right edge
        "left: 50mm; top: 293mm",  # on the page, in the edge printers cannot print
        "left: -60mm; top: 50mm",  # wholly off the page
        "left: 50mm; top: -20mm",
    ],
)
def test_text_off_the_page_or_in_its_unprintable_edge_is_found(position: str) -> None:
    body = (
        f'<p style="position: absolute; {position}; margin: 0; white-space: nowrap">'
        "Participatie</p>"
    )
    faults = faults_of(body, "@page { margin: 0 }")
    assert faults
    off = ("leaves the printable area", "letters drawn off the page")
    assert all(any(kind in fault for kind in off) for fault in faults), faults


def test_text_running_into_a_drawing_is_found() -> None:
    body = (
        f'<img src="{black_square_url()}" style="position: absolute; top: 20mm; left: 80mm;'
        ' width: 25mm">'
        '<h1 style="position: absolute; top: 25mm; left: 20mm; margin: 0">'
        "Voorbereiding brede intake</h1>"
    )
    faults = faults_of(body)
    assert len(faults) == 1
    assert "'Voorbereiding brede intake' runs into a drawing" in faults[0]


def test_a_number_on_its_badge_and_tight_ethiopic_lines_are_fine() -> None:
    body = (
        '<p><span style="display: inline-block; background: #1d3a5f; color: white;'
        ' border-radius: 50%; width: 9mm; text-align: center">8</span></p>'
        "<p style=\"font-family: 'Noto Sans Ethiopic'; line-height: 1.15; width: 90mm\">"
        "ምምሕዳር ከተማ ምስ ካልኦት ትካላት ብሓባር ይሰርሕ። እዞም ትካላት ኣብ inburgering ይሕግዙኹም።"
        " ንኽሕግዙኹም፣ ሓደ ሓደ ግዜ ሓበሬታኹም የድልዮም።</p>"
        '<p dir="rtl" lang="ar">هذه الترجمة لم تُراجَع بعد. النص الهولندي هو النص الرسمي.</p>'
    )
    assert faults_of(body) == []
