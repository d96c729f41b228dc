"""What a phone saves of a language (offline.json), the offline page, the manifest and the
service worker's address; and the static export's command. The saving itself, offline, in
a real browser: tests/server/test_offline_browser.py and tests/server/test_static_export.py."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from tests.conftest import LANGUAGES, content_of


def bundle(client: FlaskClient, path: str) -> dict[str, object]:
    """Return a bundle's list as the save button gets it."""
    reply = client.get(path)
    assert reply.status_code == 200, reply.status_code
    listed: dict[str, object] = reply.get_json()
    return listed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bundle_holds_the_plan_every_step_its_pdf_pictograms_and_font(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    listed = bundle(client, f"/{lang}/offline.json")
    urls = [str(file["url"]) for file in listed["files"]]  # type: ignore[attr-defined]
    steps = content_of(app).steps
    expected = [f"/{lang}/", f"/{lang}/offline/", f"/{lang}/plan/", f"/{lang}/plan.pdf"]
    expected += [f"/{lang}/plan/{step.slug}/" for step in steps]
    expected += [f"/{lang}/manifest.webmanifest"]
    assert set(expected) <= set(urls)
    assert len(urls) == len(set(urls))
    for step in steps:  # every pictogram the pages show
        assert any(url.endswith(f"/pictograms/{step.pictogram}.svg") for url in urls)
    assert any(url.endswith("/css/site.css") for url in urls)
    assert any(url.endswith("/js/offline.js") for url in urls)
    fonts = [url for url in urls if url.endswith(".woff2")]
    script = {"ar": "arabic", "ti": "ethiopic"}.get(lang)
    assert len(fonts) == (2 if script else 0)
    assert all(script and script in url for url in fonts)
    assert not [url for url in urls if url.startswith(("/staff", "/editor"))]
    assert listed["offline_page"] == f"/{lang}/offline/"


def test_a_bundles_sizes_and_hashes_are_those_of_what_the_phone_gets(
    client: FlaskClient,
) -> None:
    listed = bundle(client, "/ar/gemeente/tilburg/offline.json")
    files = listed["files"]
    assert isinstance(files, list)
    for file in files:
        reply = client.get(file["url"], headers={"Accept-Encoding": "gzip"})
        assert reply.status_code == 200, file["url"]
        body = reply.get_data()
        assert len(body) == file["size"], file["url"]
        assert hashlib.sha256(body).hexdigest()[:16] == file["hash"]
        if file["url"].endswith("/"):
            # A municipality's pages stay in its view; the home page and My plan (one page for
            # every plan, read from the phone's storage) have none.
            assert "tilburg" in file["url"] or file["url"] in ("/ar/", "/ar/mijn-plan/")
    assert listed["size"] == sum(file["size"] for file in files)
    assert gzip.decompress(client.get("/ar/", headers={"Accept-Encoding": "gzip"}).get_data())


def test_a_bundle_is_asked_again_each_time_and_mostly_not_modified(client: FlaskClient) -> None:
    first = client.get("/ti/offline.json")
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/ti/offline.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_after_a_change_only_the_changed_files_are_fetched_again(
    app_on, content_copy: Path
) -> None:
    client = app_on().test_client()

    def hashes(path: str) -> dict[str, str]:
        return {f["url"]: f["hash"] for f in bundle(client, path)["files"]}  # type: ignore[attr-defined]

    dutch, arabic = hashes("/nl/offline.json"), hashes("/ar/offline.json")
    step = content_copy / "plan" / "05-pip" / "ar.md"
    text = step.read_text(encoding="utf-8")
    title = text.split("title: ", 1)[1].split("\n", 1)[0]
    step.write_text(text.replace(title, "عنوان جديد"), encoding="utf-8")
    new_arabic = hashes("/ar/offline.json")
    assert hashes("/nl/offline.json") == dutch  # the Dutch copy on a phone stays as it is
    changed = {url for url, code in arabic.items() if new_arabic[url] != code}
    # The step, its neighbours (their "next" and "previous" name it), its questions pages
    # (they link back to it by its title), the plan, the offline page, My plan (it lists
    # every step's title) and the PDF; no static file, no other step.
    assert {"/ar/plan/pip/", "/ar/plan.pdf", "/ar/plan/"} <= changed
    neighbours = {"/ar/plan/brede-intake/", "/ar/plan/b1-route/", "/ar/offline/", "/ar/mijn-plan/"}
    loaded = content_of(app_on())
    neighbours |= {f"/ar/vragen/{t.slug}/" for t in loaded.topics_for(loaded.step("pip"))}
    assert changed <= {"/ar/plan/pip/", "/ar/plan.pdf", "/ar/plan/"} | neighbours


@pytest.mark.parametrize(
    "path", ["/xx/offline.json", "/ar/gemeente/nowhere/offline.json", "/ar/gemeente/x/offline/"]
)
def test_an_unknown_language_or_municipality_has_no_bundle(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_offline_page_links_to_every_saved_page_in_the_readers_language(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/ar/gemeente/goirle/offline/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in page
    for step in content_of(app).steps:
        assert f'href="/ar/gemeente/goirle/plan/{step.slug}/"' in page
    assert 'href="/ar/gemeente/goirle/plan.pdf"' in page


def test_the_service_worker_is_served_from_the_root_and_always_checked(
    client: FlaskClient,
) -> None:
    reply = client.get("/sw.js")
    assert reply.status_code == 200
    assert reply.mimetype == "text/javascript"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert b"/(staff|editor)" in reply.get_data()  # never answers for those pages


def test_the_site_freeze_command_needs_the_public_address(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["site", "freeze", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "PORTAL_PUBLIC_BASE_URL" in result.output
    assert not (tmp_path / "out").exists()
