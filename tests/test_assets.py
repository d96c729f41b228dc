"""Static files: fingerprinted URLs, cached forever, compressed, fonts bundled with licence."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from fontTools.ttLib import TTFont

from tests.conftest import STATIC


def stylesheet_url(client: FlaskClient) -> str:
    match = re.search(r'href="(/static/[0-9a-f]{10}/css/site\.css)"', client.get("/nl/").text)
    assert match, "the page links no fingerprinted stylesheet"
    return match.group(1)


def test_static_files_are_kept_by_browsers_forever(client: FlaskClient) -> None:
    response = client.get(stylesheet_url(client))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.mimetype == "text/css"


def test_an_old_version_url_gets_the_file_but_is_not_kept(client: FlaskClient) -> None:
    response = client.get("/static/0000000000/css/site.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_version_changes_when_a_static_file_changes(app: Flask, tmp_path) -> None:
    import shutil

    from portal import create_app

    static = tmp_path / "static"
    shutil.copytree(STATIC, static)
    before = create_app({"TESTING": True, "STATIC_DIR": str(static)})
    (static / "css" / "site.css").write_text("body { color: red; }", encoding="utf-8")
    after = create_app({"TESTING": True, "STATIC_DIR": str(static)})
    assert before.extensions["wegwijs_assets"].version != after.extensions["wegwijs_assets"].version


def test_text_files_are_sent_compressed(client: FlaskClient) -> None:
    url = stylesheet_url(client)
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) < len(plain.data) / 2


def test_print_fonts_and_unknown_files_are_not_served(client: FlaskClient) -> None:
    version = stylesheet_url(client).split("/")[2]
    assert client.get(f"/static/{version}/fonts/ttf/NotoSans-Regular.ttf").status_code == 404
    assert client.get(f"/static/{version}/../portal/__init__.py").status_code == 404
    assert client.get(f"/static/{version}/fonts/OFL.txt").status_code == 200


@pytest.mark.parametrize(
    ("font", "sample"),
    [("noto-sans-arabic-400.woff2", "العربية"), ("noto-sans-ethiopic-400.woff2", "ትግርኛ ሰላም")],
)
def test_the_web_fonts_have_every_letter_the_texts_need(font: str, sample: str) -> None:
    cmap = TTFont(STATIC / "fonts" / font).getBestCmap()
    assert all(ord(char) in cmap for char in sample if not char.isspace())


def test_the_web_fonts_only_cover_their_own_script() -> None:
    cmap = TTFont(STATIC / "fonts" / "noto-sans-ethiopic-400.woff2").getBestCmap()
    assert ord("A") not in cmap  # Latin comes from the phone, the subset stays small


def test_every_ethiopic_character_of_the_content_is_in_the_font() -> None:
    cmap = TTFont(STATIC / "fonts" / "noto-sans-ethiopic-400.woff2").getBestCmap()
    used = {
        char
        for path in (STATIC.parent / "content").rglob("ti.md")
        for char in path.read_text(encoding="utf-8")
        if "\u1200" <= char <= "\u139f"
    }
    assert used
    assert all(ord(char) in cmap for char in used)


def test_the_font_licence_is_bundled() -> None:
    licence = (STATIC / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence or "Open Font License" in licence
    for name in ("NotoSans", "NotoSansArabic", "NotoSansEthiopic"):
        assert (STATIC / "fonts" / "ttf" / f"{name}-Regular.ttf").is_file()


def test_the_print_pictograms_are_made_from_the_current_drawings() -> None:
    """A changed drawing needs `make pictograms`, or prints would show the old one."""
    import hashlib
    import json

    manifest = json.loads((STATIC / "pictograms" / "print" / "manifest.json").read_text())
    drawings = {svg.stem: svg for svg in (STATIC / "pictograms").glob("*.svg")}
    assert set(manifest) == set(drawings)
    for name, svg in drawings.items():
        assert manifest[name] == hashlib.sha256(svg.read_bytes()).hexdigest()[:12], name
        for size in ("small", "large"):
            assert (STATIC / "pictograms" / "print" / size / f"{name}.png").is_file()
