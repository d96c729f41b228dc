"""Write PNG renders of the first page of every language's prints, for people to look at.

They land in screenshots/prints/ (see the README). Each render must show something: a blank
page would mean the print lost its text or its fonts.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from tests.conftest import LANGUAGES, PROJECT_ROOT

RENDERS = PROJECT_ROOT / "screenshots" / "prints"
PERSON = {
    "name": "Ali van der Berg",
    "municipality": "tilburg",
    "route": "b1-route",
    "current_step": "pip",
    "contacts-0-name": "Mevrouw de Vries",
    "contacts-0-role": "klantregisseur",
    "contacts-0-phone": "013 123 4567",
    "appointments-0-what": "PIP",
    "appointments-0-date": "3-12-2026",
    "appointments-0-time": "9:30",
    "appointments-0-place": "Stadhuisplein 1, Tilburg",
}


def first_page_png(pdf: bytes, target: Path) -> Image.Image:
    """Render page 1 of a PDF with pdftoppm into `target` and return the image."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = target.with_suffix(".pdf")
    source.write_bytes(pdf)
    prefix = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", source, prefix],
        check=True,
    )
    source.unlink()
    return Image.open(target).convert("L")


def ink_share(image: Image.Image) -> float:
    """Return the share of pixels that are not paper-white."""
    histogram = image.histogram()
    return 1 - sum(histogram[200:]) / sum(histogram)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_page_of_the_plan_print_is_rendered(staff_app: Flask, lang: str) -> None:
    pdf = staff_app.test_client().get(f"/{lang}/plan.pdf").data
    image = first_page_png(pdf, RENDERS / f"{lang}-plan.png")
    assert 0.03 < ink_share(image) < 0.5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_first_page_of_the_personal_plan_is_rendered(staff_app: Flask, lang: str) -> None:
    response = staff_app.test_client().post(
        "/staff/personal-plan/", data=PERSON | {"language": lang}
    )
    assert response.mimetype == "application/pdf"
    image = first_page_png(response.data, RENDERS / f"{lang}-personal-plan.png")
    assert 0.03 < ink_share(image) < 0.5
