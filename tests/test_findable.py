"""Search engines find every language version of a page (hreflang), what to read (robots.txt)
and every public page (sitemap.xml); Arabic and Tigrinya pages ask for their font at once."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own sitemap, not untrusted input

import pytest
from flask import Flask

from tests.conftest import LANGUAGES

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def links(page: str, rel: str) -> list[dict[str, str]]:
    """Return the attributes of every <link rel=...> of a page."""
    found = []
    for tag in re.findall(r"<link [^>]*>", page):
        attributes = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        if attributes.get("rel") == rel:
            found.append(attributes)
    return found


@pytest.mark.parametrize(
    "path", ["/ar/plan/pip/", "/ti/gemeente/tilburg/plan/", "/en/", "/nl/gemeente/"]
)
def test_a_page_names_its_versions_in_every_language(client, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    versions = {link["hreflang"]: link["href"] for link in links(page, "alternate")}
    rest = path.split("/", 2)[2]
    assert versions == {lang: f"http://localhost/{lang}/{rest}" for lang in LANGUAGES} | {
        "x-default": "http://localhost/"
    }
    for address in versions.values():
        assert client.get(address).status_code in (200, 302), address


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scripts_font_is_asked_for_at_once(client, lang: str) -> None:
    page = client.get(f"/{lang}/plan/").get_data(as_text=True)
    preloaded = [link["href"] for link in links(page, "preload")]
    script = {"ar": "arabic", "ti": "ethiopic"}.get(lang)
    if script is None:
        assert preloaded == []  # Latin script: the system's font, nothing to load
        return
    assert [href.rsplit("/", 1)[1] for href in preloaded] == [
        f"noto-sans-{script}-400.woff2",
        f"noto-sans-{script}-700.woff2",
    ]
    for href in preloaded:  # the very files the stylesheet names, so no second download
        assert client.get(href).status_code == 200
        assert href.split("/fonts/")[1] in client.get(
            re.search(r'href="([^"]*site\.css)"', page).group(1)  # type: ignore[union-attr]
        ).get_data(as_text=True)


def test_robots_keep_out_of_the_staff_and_editor_areas(client) -> None:
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /staff/" in text
    assert "Disallow: /editor/" in text
    assert "Sitemap: http://localhost/sitemap.xml" in text


def test_the_sitemap_lists_every_public_page_and_each_opens(app: Flask, client) -> None:
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own sitemap
    addresses = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    assert len(addresses) == len(set(addresses))
    assert "http://localhost/ti/gemeente/tilburg/plan/pip/" in addresses
    assert not [a for a in addresses if "/staff/" in a or "/editor/" in a]
    for address in addresses:
        assert client.get(address).status_code == 200, address
