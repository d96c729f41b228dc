"""Arabic and Tigrinya pages really draw with the bundled fonts; Latin pages never fetch them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request

SCRIPT_FONTS = {
    "ar": ("Wegwijs Arabic", "سلام"),
    "ti": ("Wegwijs Ethiopic", "ሰላም"),
}
FONT_FACES = """() => [...document.fonts].map(f => ({
    family: f.family.replace(/^["']|["']$/g, ''), weight: f.weight, status: f.status }))"""


def font_faces(page: Page, family: str) -> list[dict[str, str]]:
    """Return weight and status of the page's FontFaces of one family, after loading ends."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return [face for face in page.evaluate(FONT_FACES) if face["family"] == family]


@pytest.mark.parametrize("lang", SCRIPT_FONTS)
@pytest.mark.parametrize("page_kind", ["plan", "step"])
def test_the_script_font_of_the_language_is_loaded_and_used(
    page: Page, visit: Callable[..., Page], lang: str, page_kind: str
) -> None:
    family, sample = SCRIPT_FONTS[lang]
    path = f"/{lang}/plan/" if page_kind == "plan" else f"/{lang}/plan/brede-intake/"
    visit(page, path)
    faces = font_faces(page, family)
    assert faces, f"site.css declares no @font-face {family!r}"
    assert any(face["status"] == "loaded" for face in faces), (
        f"{path}: no {family!r} face was loaded: {faces}"
    )
    usable = page.evaluate(
        "([font, text]) => document.fonts.check(font, text)", [f'16px "{family}"', sample]
    )
    assert usable, f"{path}: the regular {family!r} cannot draw {sample!r} yet: {faces}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_latin_pages_download_no_script_font(
    page: Page, visit: Callable[..., Page], lang: str
) -> None:
    requests: list[str] = []

    def record(request: Request) -> None:
        requests.append(request.url)

    page.on("request", record)
    visit(page, f"/{lang}/plan/")
    for family, _sample in SCRIPT_FONTS.values():
        faces = font_faces(page, family)
        loaded = [face for face in faces if face["status"] == "loaded"]
        assert not loaded, f"/{lang}/plan/ loaded {family!r}: {faces}"
    fonts = [url for url in requests if url.split("?")[0].endswith(".woff2")]
    assert not fonts, f"/{lang}/plan/ downloaded fonts it does not need: {fonts}"
