"""An editor in a real browser: log in, translate an Arabic title right to left in the Arabic
web font, save, and see it on the public page at once.

The session's live server serves the real content/ folder, which a save must never touch: this
module starts its own live server on a copy of content/.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from portal import create_app
from tests.browser.conftest import screenshot_name
from tests.conftest import CONTENT, PASSWORD, ensure_account

EDITOR_EMAIL = "redacteur@wegwijs.example"
EDIT_URL = "/editor/step/brede-intake/ar?mode=text"  # the whole Markdown in one field
PUBLIC_URL = "/ar/plan/brede-intake/"
NEW_TITLE = "المقابلة الشاملة مع البلدية"
FONT_FACES = """() => [...document.fonts].map(f => ({
    family: f.family.replace(/^["']|["']$/g, ''), weight: f.weight, status: f.status }))"""


@dataclass(frozen=True)
class EditorServer:
    """A live portal on a private copy of content/."""

    url: str
    app: Flask
    content: Path


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EditorServer]:
    """Serve the portal on a content copy, on a free local port, in a daemon thread."""
    content = tmp_path_factory.mktemp("editor-browser") / "content"
    shutil.copytree(CONTENT, content)
    app = create_app({"TESTING": True, "CONTENT_DIR": str(content), "CONTENT_RELOAD_INTERVAL": 0})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="editor-portal", daemon=True)
    thread.start()
    try:
        yield EditorServer(f"http://127.0.0.1:{server.server_port}", app, content)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def settle(page: Page, screenshots: Path, path: str, variant: str = "") -> None:
    """Wait for the web fonts, then save a full-page screenshot as the other tests do."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    png = screenshots / f"{screenshot_name(path, variant)}.png"
    page.screenshot(path=str(png), full_page=True)


def computed(page: Page, selector: str, property_name: str) -> str:
    value: str = page.locator(selector).first.evaluate(f"e => getComputedStyle(e).{property_name}")
    return value


def test_an_editor_translates_a_title_right_to_left_and_sees_it_at_once(
    page: Page, editor_server: EditorServer, screenshots: Path
) -> None:
    base = editor_server.url
    ensure_account(editor_server.app, EDITOR_EMAIL, "editor", ())

    # The editor page asks for a login first, through the real form (with its CSRF token).
    page.goto(base + EDIT_URL)
    assert page.url.startswith(base + "/staff/login"), page.url
    page.fill("#email", EDITOR_EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + EDIT_URL)
    settle(page, screenshots, EDIT_URL, "editor")

    # The Arabic text is typed right to left, in the bundled Arabic font.
    body = page.locator("textarea#body")
    assert body.get_attribute("lang") == "ar"
    assert body.get_attribute("dir") == "rtl"
    assert computed(page, "textarea#body", "direction") == "rtl"
    assert page.locator("input#title").get_attribute("dir") == "rtl"
    assert computed(page, "input#title", "direction") == "rtl"
    assert computed(page, "textarea#body", "fontFamily").startswith('"Wegwijs Arabic"')
    faces = [f for f in page.evaluate(FONT_FACES) if f["family"] == "Wegwijs Arabic"]
    assert any(face["status"] == "loaded" for face in faces), faces
    assert page.evaluate(
        "([font, text]) => document.fonts.check(font, text)", ['16px "Wegwijs Arabic"', "سلام"]
    )
    # The Dutch source beside it stays left to right.
    assert computed(page, ".source [lang=nl]", "direction") == "ltr"

    # Change the title and save.
    page.fill("input#title", NEW_TITLE)
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.url == base + EDIT_URL
    assert page.locator("[role=status]").first.is_visible()
    assert page.locator("input#title").input_value() == NEW_TITLE
    saved = (editor_server.content / "plan" / "04-brede-intake" / "ar.md").read_text("utf-8")
    meta = yaml.safe_load(saved.split("\n---\n", 1)[0].removeprefix("---\n"))
    assert meta["title"] == NEW_TITLE
    assert meta["review"] == "draft"
    settle(page, screenshots, EDIT_URL, "editor-saved")

    # The public page shows the new title at once, right to left.
    response = page.goto(base + PUBLIC_URL)
    assert response is not None
    assert response.status == 200
    settle(page, screenshots, PUBLIC_URL, "edited")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert computed(page, "html", "direction") == "rtl"
    heading = page.locator(".step-header h1")
    assert heading.inner_text().strip() == NEW_TITLE
    assert heading.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert heading.evaluate("e => e.closest('[lang]').lang") == "ar"
