"""Fixtures of the real-browser tests: a live portal, one Debian chromium, phone-sized pages.

Playwright's own browser download does not work here, so the tests drive /usr/bin/chromium.
Every page a test looks at is also saved as a full-page PNG in screenshots/<lang>-<page>.png.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import make_server

from portal import create_app
from portal.config import PROJECT_ROOT
from tests.conftest import LANGUAGES, STEP_SLUGS

# A small, cheap phone: the smallest screen the portal is made for, at one pixel per CSS pixel.
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1}
SCREENSHOTS = PROJECT_ROOT / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test, so `-m "not browser"` skips them."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest) -> str:
    """Run a test once in every language; `@pytest.mark.parametrize("lang", ...)` narrows it."""
    code: str = request.param
    return code


@pytest.fixture(params=STEP_SLUGS)
def step_slug(request: pytest.FixtureRequest) -> str:
    """Run a test once for every step of the plan."""
    slug: str = request.param
    return slug


@pytest.fixture(scope="session")
def live_app() -> Flask:
    """Return the portal app the live server serves, to read its content in tests."""
    return create_app({"TESTING": True})


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the portal on a free local port in a daemon thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """Return a fresh phone-sized browser context: empty cache, no cookies."""
    created = browser.new_context(**PHONE)
    try:
        yield created
    finally:
        created.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """Return a page on a 360 x 740 phone screen."""
    return context.new_page()


@pytest.fixture
def no_script_page(browser: Browser) -> Iterator[Page]:
    """Return a page on a phone whose browser runs no JavaScript at all."""
    created = browser.new_context(java_script_enabled=False, **PHONE)
    try:
        yield created.new_page()
    finally:
        created.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Return the screenshot folder, created when missing."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def screenshot_name(path: str, variant: str = "") -> str:
    """Name the screenshot of a path <lang>-<page>: /ar/plan/pip/ is ar-plan-pip.

    The language chooser belongs to every language: it is all-language.
    """
    parts = [part for part in path.split("/") if part]
    lang, rest = (parts[0], parts[1:]) if parts and parts[0] in LANGUAGES else ("all", parts)
    name = f"{lang}-{'-'.join(rest) or 'home'}"
    return f"{name}-{variant}" if variant else name


@pytest.fixture
def visit(live_server: str, screenshots: Path) -> Callable[..., Page]:
    """Return `visit(page, path, variant="")`: open a path, wait for fonts, save a screenshot.

    The full-page PNG is written once the page and its web fonts have loaded, so it shows
    what the test then looks at; `variant` tells apart the same page seen another way.
    """

    def open_page(page: Page, path: str, variant: str = "") -> Page:
        response = page.goto(live_server + path)
        assert response is not None, f"no response for {path}"
        assert response.status == 200, f"{path} answered {response.status}"
        # Playwright's evaluate runs even in a context where the page's own scripts may not.
        page.evaluate("() => document.fonts.ready.then(() => true)")
        png = screenshots / f"{screenshot_name(path, variant)}.png"
        page.screenshot(path=str(png), full_page=True)
        return page

    return open_page
