"""The visual regression check of every print: the first page of every letter, form and plan
in every language is rendered to PNG and checked for print faults.

A fault is text that leaves the printable area of the page, text that runs into other text,
or text that runs into a drawing such as the QR code (tests/layout.py says how each is found).
The PNGs land in screenshots/prints/ (see the README), for people to look at; each must
show something: a blank page would mean the print lost its text or its fonts.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfReader
from werkzeug.test import TestResponse

from tests.conftest import CONTENT, LANGUAGES, PROJECT_ROOT
from tests.layout import layout_faults
from tests.test_letters import letter_values

RENDERS = PROJECT_ROOT / "screenshots" / "prints"
LETTERS = sorted(path.name for path in (CONTENT / "letters").iterdir() if path.is_dir())
FORMS = sorted(path.name for path in (CONTENT / "forms").iterdir() if path.is_dir())
FORM_MODES = ("blank", "filled", "fillable")
PERSON = {
    "name": "Ali van der Berg",
    "municipality": "tilburg",
    "route": "b1-route",
    "current_step": "pip",
    "contacts-0-name": "Mevrouw de Vries",
    "contacts-0-role": "klantregisseur",
    "contacts-0-phone": "013 123 4567",
    "appointments-0-what": "Gesprek over uw plan (PIP)",
    "appointments-0-date": "3-12-2026",
    "appointments-0-time": "9:30",
    "appointments-0-place": "Stadhuisplein 1, Tilburg",
}
# Values as long as people and places get: the layout must hold them too.
LONG_VALUES = {
    "voornaam": "Abdirahman Mohamed",
    "tussenvoegsel": "van den",
    "achternaam": "Heuvel-Tesfamariam",
    "straat": "Burgemeester van Meursstraat",
    "huisnummer": "1024-B",
    "plaats": "Berkel-Enschot",
    "locatie": "Stadskantoor Tilburg, Spoorlaan 181, kamer 3.14 (derde verdieping)",
    "afspraak": "Workshop participatieverklaring",
    "kenmerk": "INB/2026/000123/BI",
}


def first_page_png(pdf: bytes, target: Path, page: int = 1) -> Image.Image:
    """Render one page of a PDF with pdftoppm into `target` and return the image."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = target.with_suffix(".pdf")
    source.write_bytes(pdf)
    prefix = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile"]
        + [source, prefix],
        check=True,
    )
    source.unlink()
    return Image.open(target).convert("L")


def ink_share(image: Image.Image) -> float:
    """Return the share of pixels that are not paper-white."""
    histogram = image.histogram()
    return 1 - sum(histogram[200:]) / sum(histogram)


def check_print(
    response: TestResponse, name: str, pages: tuple[int, ...] = (1,), least_ink: float = 0.02
) -> None:
    """Render the pages that start each language of a print; fail on any print fault."""
    assert response.status_code == 200, (name, response.status_code)
    assert response.mimetype == "application/pdf", name
    faults = []
    for page in pages:
        target = RENDERS / f"{name}-{page}.png"
        assert least_ink < ink_share(first_page_png(response.data, target, page)) < 0.5, target
        faults += [
            f"{fault} (see {target.relative_to(PROJECT_ROOT)})"
            for fault in layout_faults(response.data, page)
        ]
    assert not faults, f"{name}:\n" + "\n".join(faults)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_plan_prints_have_no_print_faults(staff_app: Flask, lang: str) -> None:
    client = staff_app.test_client()
    # Page 1 is the overview, page 2 the first step.
    check_print(client.get(f"/{lang}/plan.pdf"), f"{lang}-plan", (1, 2))
    if lang != "nl":
        # The Dutch half starts on page 3: page 2 stays blank for double-sided printing.
        check_print(client.get(f"/{lang}/plan-bilingual.pdf"), f"{lang}-plan-bilingual", (1, 3))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_questions_booklet_has_no_print_faults(staff_app: Flask, lang: str) -> None:
    client = staff_app.test_client()
    booklet = client.get(f"/{lang}/gemeente/tilburg/vragen.pdf")
    pages = len(PdfReader(io.BytesIO(booklet.data)).pages)
    check_print(booklet, f"{lang}-questions", tuple(range(1, pages + 1)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_personal_plan_has_no_print_faults(staff_app: Flask, lang: str) -> None:
    response = staff_app.test_client().post(
        "/staff/personal-plan/", data=PERSON | {"language": lang}
    )
    pages = (1,) if lang == "nl" else (1, 2)  # the person's language, then Dutch
    check_print(response, f"{lang}-personal-plan", pages)
    every_row = PERSON | {"language": lang}
    for row in range(3):
        every_row |= {
            f"contacts-{row}-name": "Abdirahman Mohamed van den Heuvel",
            f"contacts-{row}-role": "Maatschappelijk begeleider",
            f"contacts-{row}-phone": "+31 13 123 45 67",
            f"appointments-{row}-what": "Workshop participatieverklaring",
            f"appointments-{row}-date": f"{3 + row}-12-2026",
            f"appointments-{row}-time": "13:30",
            f"appointments-{row}-place": "Stadskantoor, Spoorlaan 181, kamer 3.14",
        }
    response = staff_app.test_client().post("/staff/personal-plan/", data=every_row)
    check_print(response, f"{lang}-personal-plan-full", pages)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", LETTERS)
def test_every_letter_has_no_print_faults(staff_app: Flask, slug: str, lang: str) -> None:
    pages = (1,) if lang == "nl" else (1, 2)  # Dutch with the address, then translated
    client = staff_app.test_client()
    values = letter_values(staff_app, slug, lang)
    check_print(client.post(f"/staff/letters/{slug}/", data=values), f"{lang}-{slug}", pages)
    long_values = {name: LONG_VALUES[name] for name in values if name in LONG_VALUES}
    response = client.post(f"/staff/letters/{slug}/", data=values | long_values)
    check_print(response, f"{lang}-{slug}-long", pages)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("slug", FORMS)
def test_every_form_has_no_print_faults(staff_app: Flask, slug: str, lang: str) -> None:
    client = staff_app.test_client()
    for mode in FORM_MODES:
        data = {"municipality": "tilburg", "language": lang, "mode": mode}
        data["naam"] = "Abdirahman Mohamed van den Heuvel-Tesfamariam"
        response = client.post(f"/staff/forms/{slug}/", data=data)
        check_print(response, f"{lang}-{slug}-{mode}")


def test_the_window_check_sheet_has_no_print_faults(staff_app: Flask) -> None:
    sheet = staff_app.test_client().get("/staff/window-check/tilburg.pdf")
    check_print(sheet, "window-check", least_ink=0.01)  # mostly white paper: a few lines
